#pragma once
// RSA PKCS#1 v1.5 signatures over a digest, as every key provider returns them: the check that a
// provider's signature was made by the certificate it names, and the JOSE (JWA) names the Azure
// services use for them. Shared by the providers, which never include each other.

#include <string>

#include "core/bytes.hpp"
#include "crypto/certificate.hpp"
#include "crypto/digest.hpp"

namespace cipolicy::crypto {

// Whether `signature` is an RSA PKCS#1 v1.5 signature of `digest` (hashed with `alg`) by `cert`.
bool rsa_signature_matches(const Certificate& cert, DigestAlgorithm alg, ByteView digest,
                           ByteView signature);

// "RS256" / "RS384" / "RS512" (RFC 7518). Throws Error(usage) for SHA-1.
std::string jwa_rsa_name(DigestAlgorithm alg);

}  // namespace cipolicy::crypto
