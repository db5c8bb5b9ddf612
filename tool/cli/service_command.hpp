#pragma once
// What root-cert, eku and cert-chain share: their options and opening a service session from the
// command line, cipolicy.yaml and CIPOLICY_* (as `sign` does).

#include <memory>
#include <string>
#include <vector>

#include "cli/console.hpp"
#include "cli/options.hpp"
#include "crypto/certificate.hpp"
#include "trusted_signing/session.hpp"

namespace cipolicy::cli {

// --config plus service_options().
po::options_description service_command_options();

// The --help group of the options that name a profile (--metadata, or --endpoint/--account/
// --profile) and the credential.
HelpSection profile_help_section();

// Throws Error(usage) when the settings do not name a profile. Warns (through `out`) about an
// endpoint outside the service's domains.
std::unique_ptr<trusted_signing::Session> open_session(const po::variables_map& vm,
                                                       const Console& out);

// What a policy needs to trust one Trusted Signing profile, and only it: the profile's root
// certificate and its customer EKUs (Microsoft's documented CertRoot + CertEKU signer).
struct ProfileIdentity {
    crypto::Certificate root;
    std::vector<std::string> ekus;  // dotted OIDs
};

// True when the command line, cipolicy.yaml or CIPOLICY_* name a Trusted Signing profile.
bool names_service_profile(const po::variables_map& vm);

// Downloads the root certificate and customer EKUs of the profile the settings name.
ProfileIdentity fetch_profile_identity(const po::variables_map& vm, const Console& out);

}  // namespace cipolicy::cli
