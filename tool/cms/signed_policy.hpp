#pragma once
// The signed CI policy container: PKCS#7 SignedData exactly as signtool writes it
// (spec/signed-policy.md section 1). Encoding is deterministic: same inputs, same bytes.

#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "crypto/digest.hpp"

namespace cipolicy::cms {

inline constexpr std::string_view kSignedDataOid = "1.2.840.113549.1.7.2";
inline constexpr std::string_view kCiPolicyContentOid = "1.3.6.1.4.1.311.79.1";
inline constexpr std::string_view kContentTypeAttrOid = "1.2.840.113549.1.9.3";
inline constexpr std::string_view kMessageDigestAttrOid = "1.2.840.113549.1.9.4";
inline constexpr std::string_view kRsaEncryptionOid = "1.2.840.113549.1.1.1";
// Unsigned attributes: Microsoft's RFC 3161 timestamp (what signtool /tr writes), and the legacy
// PKCS#9 counter-signature it replaces.
inline constexpr std::string_view kTimestampAttrOid = "1.3.6.1.4.1.311.3.3.1";
inline constexpr std::string_view kCounterSignatureOid = "1.2.840.113549.1.9.6";

// The DER SET OF the two signed attributes (contentType, messageDigest = H(content)). Its digest
// is what the signer signs; inside the SignerInfo it appears re-tagged as [0] IMPLICIT.
Bytes signed_attributes(crypto::DigestAlgorithm digest, ByteView content);

// Everything a signed policy is made of.
struct SignedPolicyParts {
    crypto::DigestAlgorithm digest = crypto::DigestAlgorithm::sha256;
    ByteView content;                        // the policy binary
    std::vector<Bytes> certificates;         // DER: signer and intermediates, any order; no root
    Bytes issuer_name;                       // DER Name, copied from the signer certificate
    Bytes serial;                            // DER INTEGER, copied from the signer certificate
    Bytes signature;                         // RSA PKCS#1 v1.5 over H(signed_attributes(...))
    std::vector<Bytes> unsigned_attributes;  // DER Attribute each (only ever the timestamp)
};

// The DER ContentInfo. No randomness, no signing time; the certificates sorted by encoding.
Bytes encode_signed_policy(const SignedPolicyParts& parts);

}  // namespace cipolicy::cms
