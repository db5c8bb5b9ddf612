#include "credentials/token_use.hpp"

namespace cipolicy::credentials {

const std::string& TokenUse::bearer() {
    sent_ = tokens_.bearer();
    return sent_->value.reveal();
}

std::optional<http::AttemptFailed> TokenUse::refused(const http::Attempt& a) {
    if (!sent_) return std::nullopt;
    // Forgotten whatever follows: no later request of this run or the build sends it again.
    const bool from_cache = tokens_.refused(*sent_);
    if (!from_cache || renewed_ || a.last) return std::nullopt;
    renewed_ = true;
    return http::AttemptFailed("HTTP 401: the access token from the build cache was refused",
                               std::chrono::milliseconds(0));
}

}  // namespace cipolicy::credentials
