#pragma once
// The options that choose and open a signing key, shared by commands that sign, and their
// layering with cipolicy.yaml and CIPOLICY_* variables.

#include <memory>

#include "cli/options.hpp"
#include "config/settings.hpp"
#include "signing/signer.hpp"

namespace cipolicy::cli {

// --config, --digest, --cert/--key/--chain, --pfx and their password sources.
po::options_description signing_options();

// command line > environment > --config file (or $CIPOLICY_CONFIG) > defaults.
Settings resolve_settings(const po::variables_map& vm);

// Opens the signer the settings name. Throws Error(usage) when the combination is incomplete.
std::unique_ptr<Signer> open_signer(const Settings& settings);

}  // namespace cipolicy::cli
