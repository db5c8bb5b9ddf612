#pragma once
// The digest algorithms a signed policy may use, and hashing.

#include <openssl/evp.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace cipolicy::crypto {

enum class DigestAlgorithm { sha1, sha256, sha384, sha512 };

const EVP_MD* evp_md(DigestAlgorithm alg);
std::string_view digest_name(DigestAlgorithm alg);                       // "sha256"
std::string_view digest_oid(DigestAlgorithm alg);                        // "2.16.840.1.101.3.4.2.1"
std::optional<DigestAlgorithm> digest_from_name(std::string_view name);  // "sha256", "SHA-256"
std::optional<DigestAlgorithm> digest_from_oid(std::string_view dotted);

Bytes hash(DigestAlgorithm alg, ByteView data);

}  // namespace cipolicy::crypto
