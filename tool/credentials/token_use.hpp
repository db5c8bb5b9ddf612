#pragma once
// One request's token across the attempts of its retry loop. Each attempt sends the run's current
// token. When the service refuses one that an earlier run stored in the build cache (revoked since:
// a role removed, a secret rotated), the request is sent once more with a token fetched anew, as
// Azure SDKs do, instead of every run of the build failing until the stored token expires. A token
// this run fetched is refused for good: the caller reports the 401 at once.

#include <optional>
#include <string>

#include "credentials/token_provider.hpp"
#include "http/retry.hpp"

namespace cipolicy::credentials {

class TokenUse {
  public:
    explicit TokenUse(TokenProvider& tokens) : tokens_(tokens) {}
    // The bearer value for this attempt's Authorization header; valid until the next call.
    const std::string& bearer();
    // Call on HTTP 401 to attempt `a`'s bearer(): forgets that token. Returns the failed attempt
    // to hand to retry_with_deadline() when one more attempt, with a new token and without a
    // wait, is worth it (at most once per request); nullopt: report the 401.
    std::optional<http::AttemptFailed> refused(const http::Attempt& a);

  private:
    TokenProvider& tokens_;
    std::optional<AccessToken> sent_;
    bool renewed_ = false;
};

}  // namespace cipolicy::credentials
