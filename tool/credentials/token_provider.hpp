#pragma once
// One token per run: the first caller fetches it, every other thread waits for and shares it, and
// it is fetched again only when it would expire within a few minutes or the service refused it.

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "credentials/credential.hpp"

namespace cipolicy::credentials {

class TokenProvider {
  public:
    explicit TokenProvider(std::unique_ptr<TokenCredential> credential)
        : credential_(std::move(credential)) {}
    // The token to send (a copy, with where it came from): the caller hands it back to refused()
    // if the service refuses it. Thread-safe.
    AccessToken bearer();
    // The service answered HTTP 401 to `sent`: forget it here and in the credential's cache,
    // unless a newer token has replaced it meanwhile. True when a token fetched now may fare
    // better, that is when `sent` came from the build cache. Thread-safe.
    bool refused(const AccessToken& sent);
    std::string credential_name() const { return credential_->name(); }

  private:
    std::unique_ptr<TokenCredential> credential_;
    std::mutex mutex_;
    std::optional<AccessToken> token_;
};

}  // namespace cipolicy::credentials
