#pragma once
// One token per run: the first caller fetches it, every other thread waits for and shares it, and
// it is fetched again only when it would expire within a few minutes.

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
    // The bearer token value. Thread-safe.
    std::string bearer();
    std::string credential_name() const { return credential_->name(); }

  private:
    std::unique_ptr<TokenCredential> credential_;
    std::mutex mutex_;
    std::optional<AccessToken> token_;
};

}  // namespace cipolicy::credentials
