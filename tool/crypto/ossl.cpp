#include "crypto/ossl.hpp"

#include <openssl/err.h>
#include <openssl/provider.h>

#include <mutex>

namespace cipolicy::crypto::ossl {

void free_x509_stack(STACK_OF(X509) * stack) noexcept {
    sk_X509_pop_free(stack, X509_free);
}

std::string last_error(const std::string& fallback) {
    unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return fallback;
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    return buf;
}

std::string load_legacy_provider() {
    static std::once_flag once;
    static std::string failure;
    std::call_once(once, [] {
        // retain_fallbacks = 1: the default provider stays available beside it. The provider stays
        // loaded for the life of the process; OpenSSL unloads providers itself at exit.
        if (!OSSL_PROVIDER_try_load(nullptr, "legacy", 1))
            failure = last_error("the legacy provider module was not found");
    });
    return failure;
}

BioPtr memory_bio(const void* data, std::size_t size) {
    return BioPtr(BIO_new_mem_buf(data, static_cast<int>(size)));
}

}  // namespace cipolicy::crypto::ossl
