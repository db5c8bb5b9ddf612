#pragma once
// RFC 3161 replies and tokens: what must hold before a token goes into a signed policy, and what
// verify checks in one that is already there.

#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "crypto/certificate.hpp"

namespace cipolicy::timestamp {

struct TokenInfo {
    Bytes token;              // the TimeStampToken (a ContentInfo), as embedded
    std::string time;         // genTime, ISO 8601 UTC
    std::string tsa_subject;  // the certificate that signed the token
    std::string url;          // the server that issued it (set by TsaClient::timestamp)
};

// The token of a TimeStampResp, after checking the PKIStatus. Throws Error(timestamp) naming
// `source` (the server URL) with the status text and failure info when it was not granted.
Bytes token_from_reply(ByteView reply, const std::string& source);

struct TokenExpectations {
    ByteView signature_value;                     // the imprint must be its hash
    const crypto::Certificate* signer = nullptr;  // the time must lie within its validity
    std::optional<Bytes> nonce;                   // for a fresh reply: must match the request
    std::vector<crypto::Certificate> roots;       // when given, the TSA chain must reach one
};

// Checks the token's own signature (with the certificates it carries, whose signer must have the
// timeStamping EKU), the imprint, the nonce and the time. Throws Error(timestamp) naming `source`
// and the first failed check.
TokenInfo check_token(ByteView token, const TokenExpectations& expect, const std::string& source);

}  // namespace cipolicy::timestamp
