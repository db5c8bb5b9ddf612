#pragma once
// Everything a run can be told, from any source. One Settings value per source (defaults,
// cipolicy.yaml, CIPOLICY_* environment variables, command line); `overlay` layers them so that
// command line > environment > config file > defaults. Which key, variable and flag set which
// field is declared once, in config/setting_table.cpp; absent fields mean "not said here".

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "crypto/digest.hpp"

namespace cipolicy::config {

// The key providers (providers/registry.cpp has one row for each).
enum class Provider { local, trusted_signing, pkcs11, key_vault, cert_store };

struct LocalKeySettings {
    std::optional<std::filesystem::path> cert, key, chain, pfx;
    std::optional<std::string> pfx_password_env, key_password_env;  // variable names, not secrets
    std::optional<std::filesystem::path> pfx_password_file, key_password_file;
    // Roots the signing chain leads to, when the chain or the PFX stops below them: they make the
    // UpdatePolicySigners check complete. Used for checks only, never written.
    std::optional<std::vector<std::filesystem::path>> roots;
};

struct TrustedSigningSettings {
    std::optional<std::filesystem::path> metadata;
    std::optional<std::string> endpoint, account, profile, api_version, correlation_id;
};

// What Trusted Signing and Key Vault share (azure.*; the old trusted-signing.* keys are aliases):
// how a token is obtained and how long the run waits for the network.
struct AzureSettings {
    std::optional<std::filesystem::path> access_token_file;
    std::optional<std::string> credential;
    std::optional<double> timeout, request_timeout;  // seconds
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
    std::optional<std::string> credential;  // else azure.credential, else default
};

// A certificate and its private key in a Windows certificate store (CNG or CryptoAPI keys).
struct CertStoreSettings {
    std::optional<std::string> store;       // [CurrentUser\|LocalMachine\]NAME
    std::optional<std::string> thumbprint;  // SHA-1 of the certificate (signtool /sha1)
    std::optional<std::string> subject;     // text in the subject (signtool /n)
};

struct HttpSettings {
    std::optional<std::filesystem::path> ca_file;
    std::optional<std::filesystem::path> cache_dir;  // build.cache-dir
};

struct TimestampSettings {
    std::optional<std::vector<std::string>> urls;
    std::optional<std::vector<std::filesystem::path>> roots;
    std::optional<int> retries, jobs;
    std::optional<double> retry_wait, timeout;  // seconds
    std::optional<bool> optional, disabled;
};

struct Settings {
    std::optional<Provider> provider;
    std::optional<crypto::DigestAlgorithm> digest;
    LocalKeySettings local;
    TrustedSigningSettings trusted_signing;
    AzureSettings azure;
    Pkcs11Settings pkcs11;
    KeyVaultSettings key_vault;
    CertStoreSettings cert_store;
    HttpSettings http;
    TimestampSettings timestamp;
    std::optional<std::filesystem::path> output_dir;
};

// `top` wins wherever it says something.
Settings overlay(const Settings& base, const Settings& top);

// Reads cipolicy.yaml. Relative paths resolve against the file's folder. Throws Error(input)
// naming the file, line and key for unknown keys, wrong types and bad values.
Settings load_settings_file(const std::filesystem::path& path);

// The same for text already read from `path` (which names it and anchors relative paths).
Settings parse_settings(const std::string& text, const std::filesystem::path& path);

// The CIPOLICY_* variables of the table (lists separated by ';'; URLs also by whitespace). Throws
// Error(usage) naming the variable.
Settings settings_from_environment();

// The configuration file a run reads: `given` (--config), else $CIPOLICY_CONFIG, else none.
std::optional<std::filesystem::path> config_file(const std::optional<std::filesystem::path>& given);

// command line > environment > `config` file > defaults. A key named on the command line
// (cert, key or pfx) replaces the configured key as a whole (the roots stay: they name the CA);
// a command line naming both a local key and Trusted Signing is refused (Error(usage)).
Settings resolve_settings(Settings command_line,
                          const std::optional<std::filesystem::path>& config);

// Whether the settings choose Trusted Signing (explicitly, or by naming an endpoint or metadata
// without a local key).
bool wants_trusted_signing(const Settings& s);

// The key store the settings choose (explicitly, or by naming a PKCS#11 URI or a vault), if any.
std::optional<Provider> wanted_key_store(const Settings& s);

// "local" / "trusted-signing" / "pkcs11" / "key-vault" / "cert-store".
std::optional<Provider> provider_from_name(std::string_view name);

}  // namespace cipolicy::config
