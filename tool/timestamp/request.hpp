#pragma once
// RFC 3161 TimeStampReq for a signed policy: the imprint is the hash of the SignerInfo's
// signature value (what signtool /tr and Az.CodeSigning send), with a random nonce and certReq.

#include "core/bytes.hpp"
#include "crypto/digest.hpp"

namespace cipolicy::timestamp {

struct TsaRequest {
    Bytes der;      // the TimeStampReq to POST
    Bytes imprint;  // hash of the signature value
    crypto::DigestAlgorithm imprint_algorithm = crypto::DigestAlgorithm::sha256;
    Bytes nonce;  // big-endian, positive
};

TsaRequest make_request(ByteView signature_value,
                        crypto::DigestAlgorithm algorithm = crypto::DigestAlgorithm::sha256);

}  // namespace cipolicy::timestamp
