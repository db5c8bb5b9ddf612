#pragma once
// Each provider's settings mapped to its own options and opened (one file per provider); the
// rows of registry.cpp point here.

#include <chrono>
#include <memory>
#include <optional>

#include "config/settings.hpp"
#include "crypto/key_material.hpp"
#include "providers/registry.hpp"

namespace cipolicy::providers {

std::unique_ptr<signing::Signer> open_local_key(const config::Settings& s, const Notices& notices);
std::unique_ptr<signing::Signer> open_trusted_signing(const config::Settings& s,
                                                      const Notices& notices);
std::unique_ptr<signing::Signer> open_pkcs11(const config::Settings& s, const Notices& notices);
std::unique_ptr<signing::Signer> open_key_vault(const config::Settings& s, const Notices& notices);
std::unique_ptr<signing::Signer> open_cert_store(const config::Settings& s, const Notices& notices);

// A password or PIN from `option`-env VAR or `option`-file FILE (never the command line).
// Throws Error(usage) for both, an unset variable, or a value that is not a variable name.
crypto::PasswordSource password_from(const std::optional<std::string>& env_name,
                                     const std::optional<std::filesystem::path>& file,
                                     const std::string& option);

// A timeout setting (seconds), else `fallback`.
std::chrono::milliseconds milliseconds(const std::optional<double>& seconds,
                                       std::chrono::milliseconds fallback);

}  // namespace cipolicy::providers
