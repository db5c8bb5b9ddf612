#pragma once
// What Windows accepts as a policy signing key: RSA with a 2048, 3072 or 4096-bit modulus.

#include <openssl/evp.h>

#include <optional>
#include <string>

namespace cipolicy::crypto {

// nullopt when acceptable, otherwise the reason ("ECDSA keys are not supported ...").
std::optional<std::string> policy_key_problem(EVP_PKEY* key);

}  // namespace cipolicy::crypto
