#include "credentials/token_provider.hpp"

namespace cipolicy::credentials {

std::string TokenProvider::bearer() {
    std::lock_guard lock(mutex_);
    // Five minutes of margin: a signing operation may poll for a while after the token is used.
    auto soon = std::chrono::system_clock::now() + std::chrono::minutes(5);
    if (!token_ || token_->expires_on < soon) token_ = credential_->get_token();
    return token_->value.reveal();
}

}  // namespace cipolicy::credentials
