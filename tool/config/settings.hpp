#pragma once
// Everything a signing run can be told, from any source. One Settings value per source (defaults,
// cipolicy.yaml, CIPOLICY_* environment variables, command line); `overlay` layers them so that
// command line > environment > config file > defaults.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "crypto/digest.hpp"

namespace cipolicy {

enum class Provider { local, trusted_signing, pkcs11, key_vault };

struct LocalKeySettings {
    std::optional<std::filesystem::path> cert, key, chain, pfx;
    std::optional<std::string> pfx_password_env, key_password_env;  // variable names, not secrets
    std::optional<std::filesystem::path> pfx_password_file, key_password_file;
    // Roots the signing chain leads to, when --chain or the PFX stops below them: they make the
    // UpdatePolicySigners check complete. Used for checks only, never written.
    std::optional<std::vector<std::filesystem::path>> roots;
};

struct TrustedSigningSettings {
    std::optional<std::filesystem::path> metadata;
    std::optional<std::string> endpoint, account, profile, credential;
};

// A key on a PKCS#11 token or HSM (docs/key-stores.md). The PIN comes from a variable or a file.
struct Pkcs11Settings {
    std::optional<std::filesystem::path> module;
    std::optional<std::string> uri;
    std::optional<std::string> pin_env;  // a variable name, not the PIN
    std::optional<std::filesystem::path> pin_file;
};

// A certificate and its key in Azure Key Vault.
struct KeyVaultSettings {
    std::optional<std::string> url, certificate, version;
    std::optional<std::string> credential;  // else trusted-signing's, else default
};

struct Settings {
    std::optional<Provider> provider;
    std::optional<DigestAlgorithm> digest;
    LocalKeySettings local;
    TrustedSigningSettings trusted_signing;
    Pkcs11Settings pkcs11;
    KeyVaultSettings key_vault;
    std::optional<std::vector<std::string>> timestamp_urls;
    std::optional<std::filesystem::path> output_dir;
};

// `top` wins wherever it says something.
Settings overlay(const Settings& base, const Settings& top);

// Reads cipolicy.yaml. Relative paths resolve against the file's folder. Throws Error(input)
// naming the file, line and key for unknown keys, wrong types and bad values.
Settings load_settings_file(const std::filesystem::path& path);

// The same for text already read from `path` (which names it and anchors relative paths).
Settings parse_settings(const std::string& text, const std::filesystem::path& path);

// CIPOLICY_PROVIDER, CIPOLICY_DIGEST, CIPOLICY_CERT, CIPOLICY_KEY, CIPOLICY_CHAIN, CIPOLICY_PFX,
// CIPOLICY_ROOT (files separated by ';'),
// CIPOLICY_PFX_PASSWORD_ENV, CIPOLICY_KEY_PASSWORD_ENV, CIPOLICY_METADATA, CIPOLICY_ENDPOINT,
// CIPOLICY_ACCOUNT, CIPOLICY_PROFILE, CIPOLICY_CREDENTIAL, CIPOLICY_PKCS11_MODULE,
// CIPOLICY_PKCS11_URI, CIPOLICY_PIN_ENV, CIPOLICY_KEY_VAULT, CIPOLICY_KEY_VAULT_CERTIFICATE,
// CIPOLICY_KEY_VAULT_CERTIFICATE_VERSION, CIPOLICY_TIMESTAMP_URLS
// (separated by ';' or whitespace), CIPOLICY_OUTPUT_DIR. Throws Error(usage) naming the variable.
Settings settings_from_environment();

// "local" / "trusted-signing" / "pkcs11" / "key-vault".
std::optional<Provider> provider_from_name(std::string_view name);

}  // namespace cipolicy
