#pragma once
// Which Azure Key Vault certificate signs, and how to reach the vault.

#include <chrono>
#include <string>

namespace cipolicy::key_vault {

// The REST API version of the certificate and key operations used here (GET certificate, sign).
inline constexpr const char* kApiVersion = "7.4";

struct VaultConfig {
    std::string vault;        // https://NAME.vault.azure.net, normalized: no trailing slash
    std::string certificate;  // the certificate's name
    std::string version;      // empty: the current version
    std::chrono::milliseconds deadline{300000};        // per operation, retries included
    std::chrono::milliseconds request_timeout{60000};  // per HTTP request
    std::string deadline_setting = "--timeout";        // how users set `deadline`, for messages
};

// Strips trailing slashes; throws Error(usage) naming `source` unless the URL is https with a
// host and no path (the bearer token must not travel in clear or to a path of another service).
std::string normalize_vault_url(const std::string& url, const std::string& source);

// A warning when the host is not a Key Vault or Managed HSM domain of a public or national
// cloud, or empty when it is.
std::string vault_warning(const std::string& vault);

// Whether `kid` is a key version of `vault`: {vault}/keys/{name}/{version}, the host compared
// without case (a user may spell the vault in capitals; Key Vault answers in lower case).
bool is_key_of_vault(const std::string& kid, const std::string& vault);

// Certificate and key names: 1-127 letters, digits and '-' (what Key Vault allows). Throws
// Error(usage) naming `source`.
void check_object_name(const std::string& name, const std::string& source);

}  // namespace cipolicy::key_vault
