#pragma once
// What root-cert, eku and cert-chain share: their options and opening a service session from the
// command line, cipolicy.yaml and CIPOLICY_* (as `sign` does).

#include <memory>

#include "cli/console.hpp"
#include "cli/options.hpp"
#include "trusted_signing/session.hpp"

namespace cipolicy::cli {

// --config plus service_options().
po::options_description service_command_options();

// Throws Error(usage) when the settings do not name a profile. Warns (through `out`) about an
// endpoint outside the service's domains.
std::unique_ptr<trusted_signing::Session> open_session(const po::variables_map& vm,
                                                       const Console& out);

}  // namespace cipolicy::cli
