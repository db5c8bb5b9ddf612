#pragma once
// Choosing the credential: one named type (--credential), or the default chain in the order of
// Azure's DefaultAzureCredential, minus what metadata.json's ExcludeCredentials names.

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "credentials/credential.hpp"
#include "http/client.hpp"

namespace cipolicy::credentials {

struct CredentialOptions {
    // default, access-token, environment, client-secret, client-certificate, workload-identity,
    // managed-identity, azure-cli. Azure SDK class names are accepted too.
    std::string type = "default";
    std::optional<std::filesystem::path> access_token_file;
    std::vector<std::string> exclude;  // Azure SDK names, e.g. "AzureCliCredential"
    // The resource the token is for: Trusted Signing, or kKeyVaultAudience.
    std::string audience = kAudience;
    // The operation's deadline and the per-request timeout, which token requests honour too.
    std::chrono::milliseconds deadline{300000};
    std::chrono::milliseconds request_timeout{60000};
    std::string deadline_setting = "--timeout";
    // The build's shared cache folder (--build-cache): the runs of one build share one token.
    std::optional<std::filesystem::path> cache_dir;
    // Hears why the cache was passed over, for --verbose; the token never reaches it.
    std::function<void(const std::string&)> cache_notice;
};

// Throws Error(usage) for an unknown type or an ExcludeCredentials name that is not known.
std::unique_ptr<TokenCredential> make_credential(const CredentialOptions& options,
                                                 http::Client& client);

// The accepted --credential values, for help and errors.
const std::vector<std::string>& credential_types();

}  // namespace cipolicy::credentials
