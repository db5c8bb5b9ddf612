#pragma once
// Opening the signing key that resolved settings name (a local key or Trusted Signing).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "crypto/certificate.hpp"
#include "crypto/key_material.hpp"
#include "signing/signer.hpp"

namespace cipolicy::cli {

// Opens the signer the settings name. Throws Error(usage) when the combination is incomplete.
// `warn` receives warnings such as an endpoint outside the service's domains, `detail` the
// --verbose lines (why the build cache was passed over).
std::unique_ptr<signing::Signer> open_signer(
    const config::Settings& settings, const std::function<void(const std::string&)>& warn = {},
    const std::function<void(const std::string&)>& detail = {});

// A password or PIN from `option`-env VAR or `option`-file FILE (never the command line).
// Throws Error(usage) for both, an unset variable, or a value that is not a variable name.
crypto::PasswordSource password_from(const std::optional<std::string>& env_name,
                                     const std::optional<std::filesystem::path>& file,
                                     const std::string& option);

// The certificates of --root / local.root / CIPOLICY_ROOT (every one of each file).
std::vector<crypto::Certificate> load_roots(const config::Settings& settings);

}  // namespace cipolicy::cli
