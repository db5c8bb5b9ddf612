#pragma once
// `cipolicy timestamp`: a signed policy's parts read back from its file join the signing pipeline
// after the signer (timestamp -> encode -> verify).

#include <string>

#include "core/bytes.hpp"
#include "signing/sign_settings.hpp"
#include "signing/signed_parts.hpp"
#include "timestamp/client.hpp"

namespace cipolicy::signing {

// The parts of a validly signed policy in signtool's exact layout (else re-encoding would change
// it), with its signer certificate; they view `data`. Throws Error(input) naming `source`.
SignedParts read_signed_parts(ByteView data, const std::string& source);

struct Retimestamped {
    Bytes bytes;       // the file with its new timestamp, verified
    std::string time;  // the token's time
};

// Adds or replaces the timestamp of the signed policy `data`.
Retimestamped retimestamp(ByteView data, const std::string& source, timestamp::TsaClient& client,
                          const Detail& detail);

}  // namespace cipolicy::signing
