#include "crypto/ossl.hpp"

#include <openssl/err.h>

namespace cipolicy::ossl {

std::string last_error(const std::string& fallback) {
    unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return fallback;
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    return buf;
}

BioPtr memory_bio(const void* data, std::size_t size) {
    return BioPtr(BIO_new_mem_buf(data, static_cast<int>(size)));
}

}  // namespace cipolicy::ossl
