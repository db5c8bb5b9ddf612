#include "crypto/key_policy.hpp"

namespace cipolicy::crypto {

std::optional<std::string> policy_key_problem(EVP_PKEY* key) {
    if (!key) return "no public key";
    if (EVP_PKEY_is_a(key, "EC"))
        return "ECDSA keys are not supported for CI policies (Windows may fail to boot); use RSA "
               "2048, 3072 or 4096";
    if (!EVP_PKEY_is_a(key, "RSA"))
        return std::string("key type ") + EVP_PKEY_get0_type_name(key) +
               " is not supported; use RSA 2048, 3072 or 4096";
    int bits = EVP_PKEY_get_bits(key);
    if (bits != 2048 && bits != 3072 && bits != 4096)
        return "RSA-" + std::to_string(bits) +
               " is not accepted by Windows for CI policies; use RSA 2048, 3072 or 4096";
    return std::nullopt;
}

}  // namespace cipolicy::crypto
