#include "credentials/token_provider.hpp"

namespace cipolicy::credentials {

AccessToken TokenProvider::bearer() {
    std::lock_guard lock(mutex_);
    // Five minutes of margin: a signing operation may poll for a while after the token is used.
    auto soon = std::chrono::system_clock::now() + std::chrono::minutes(5);
    if (!token_ || token_->expires_on < soon) token_ = credential_->get_token();
    return {crypto::Secret(token_->value.reveal()), token_->expires_on, token_->origin};
}

bool TokenProvider::refused(const AccessToken& sent) {
    // Under the lock, so that no other thread reads the refused token back from the build cache
    // between dropping it here and forgetting it there.
    std::lock_guard lock(mutex_);
    // Another thread may have replaced it already; that newer token stays.
    if (token_ && token_->value.reveal() == sent.value.reveal()) token_.reset();
    credential_->token_refused(sent);
    return sent.origin == TokenOrigin::build_cache;
}

}  // namespace cipolicy::credentials
