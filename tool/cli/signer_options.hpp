#pragma once
// The options that choose and open a signing key, shared by commands that sign, and their
// layering with cipolicy.yaml and CIPOLICY_* variables.

#include <functional>
#include <memory>
#include <string>

#include "cli/options.hpp"
#include "config/settings.hpp"
#include "crypto/key_material.hpp"
#include "signing/signer.hpp"

namespace cipolicy::cli {

// --config, --digest, --cert/--key/--chain, --pfx and their password sources, and the Trusted
// Signing options of service_options().
po::options_description signing_options();

// command line > environment > --config file (or $CIPOLICY_CONFIG) > defaults.
Settings resolve_settings(const po::variables_map& vm);

// The cipolicy.yaml resolve_settings reads: --config, else $CIPOLICY_CONFIG, else none.
std::optional<std::filesystem::path> config_file(const po::variables_map& vm);

// Opens the signer the settings name. Throws Error(usage) when the combination is incomplete.
// `vm` supplies the Trusted Signing options that have no configuration key (--api-version,
// --ca-file, --timeout, ...; see service_options.hpp).
// `warn` receives warnings such as an endpoint outside the service's domains.
std::unique_ptr<Signer> open_signer(const Settings& settings, const po::variables_map& vm,
                                    const std::function<void(const std::string&)>& warn);
std::unique_ptr<Signer> open_signer(const Settings& settings);

// A password or PIN from `option`-env VAR or `option`-file FILE (never the command line).
// Throws Error(usage) for both, an unset variable, or a value that is not a variable name.
PasswordSource password_from(const std::optional<std::string>& env_name,
                             const std::optional<std::filesystem::path>& file,
                             const std::string& option);

// The certificates of --root / local.root / CIPOLICY_ROOT (every one of each file).
std::vector<Certificate> load_roots(const Settings& settings);

}  // namespace cipolicy::cli
