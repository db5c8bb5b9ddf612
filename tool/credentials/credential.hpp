#pragma once
// A source of Microsoft Entra access tokens for the Trusted Signing audience, as the Azure SDK's
// TokenCredential: one implementation per way of proving who we are.

#include <chrono>
#include <stdexcept>
#include <string>

#include "crypto/key_material.hpp"

namespace cipolicy::credentials {

// The token audience (resource) of Trusted Signing: no trailing slash, which Entra rejects.
inline constexpr const char* kAudience = "https://codesigning.azure.net";
// Azure Key Vault's audience (the same chain of credentials asks for it).
inline constexpr const char* kKeyVaultAudience = "https://vault.azure.net";

// The OAuth 2.0 scope of an audience: "{audience}/.default".
inline std::string scope_of(const std::string& audience) {
    return audience + "/.default";
}

// Who a token is for and how long asking for it may take: the token request honours the same
// deadline (--timeout) and request timeout (--request-timeout) as the requests it serves.
struct TokenTarget {
    std::string audience = kAudience;
    std::chrono::milliseconds deadline{300000};
    std::chrono::milliseconds request_timeout{60000};
    std::string deadline_setting = "--timeout";  // for messages
};

// Where a token came from. A token this run fetched is as good as the service will give it now;
// one read from the build cache was stored by an earlier run, and may have been revoked since (a
// role removed, a secret rotated), so a refusal of it is worth one more try with a fresh one.
enum class TokenOrigin { this_run, build_cache };

struct AccessToken {
    crypto::Secret value;
    std::chrono::system_clock::time_point expires_on;
    TokenOrigin origin = TokenOrigin::this_run;
};

class TokenCredential {
  public:
    virtual ~TokenCredential() = default;
    // The Azure SDK name ("EnvironmentCredential", ...) used in messages and ExcludeCredentials.
    virtual std::string name() const = 0;
    // A fresh token. Throws CredentialUnavailable when this credential's inputs are absent (the
    // default chain moves on), Error(credential) when they are present but do not work.
    virtual AccessToken get_token() = 0;
    // The service answered HTTP 401 to `token`. A credential that keeps tokens beyond this run
    // forgets it, so that no later run sends it again; one that keeps nothing has nothing to do.
    virtual void token_refused(const AccessToken& token) { (void)token; }
};

class CredentialUnavailable : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace cipolicy::credentials
