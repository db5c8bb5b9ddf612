#pragma once
// What a finished signing operation returns, decoded and checked: the doubly base64-encoded
// PKCS#7 certificate bag, and the leaf found by the key that made the signature.

#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "crypto/certificate.hpp"
#include "crypto/digest.hpp"

namespace cipolicy::trusted_signing {

// The certificates of a DER PKCS#7 certs-only bag (any order). Throws Error(service) naming
// `source` when it is not one.
std::vector<crypto::Certificate> certificates_from_pkcs7(ByteView der, const std::string& source);

// signingCertificate: base64 of MIME base64 text of a DER PKCS#7 (a singly encoded value is
// accepted as well). Throws Error(service).
std::vector<crypto::Certificate> decode_signing_certificate(const std::string& field,
                                                            const std::string& source);

// The certificates reordered leaf first, the leaf being the one whose key made `signature`.
// Throws Error(service) when none did (a corrupt signature or a chain of another key).
std::vector<crypto::Certificate> leaf_first(std::vector<crypto::Certificate> certs,
                                            crypto::DigestAlgorithm alg, ByteView digest,
                                            ByteView signature, const std::string& context);

}  // namespace cipolicy::trusted_signing
