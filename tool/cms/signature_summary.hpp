#pragma once
// What `inspect` shows of a signed policy's envelope: certificates, digest, signer, unsigned
// attributes. Descriptive only; verify judges.

#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "crypto/certificate.hpp"

namespace cipolicy::cms {

struct SignatureSummary {
    long signed_data_version = 0;
    std::vector<crypto::Certificate> certificates;  // as stored
    bool has_signer_info = false;                  // the fields below describe the first SignerInfo
    std::string digest;                            // "SHA-256", or the OID when unknown
    std::optional<crypto::Certificate> signer;     // found by issuer and serial number
    std::vector<std::string> unsigned_attributes;  // OIDs
    bool has_timestamp = false;
};

// Throws Error(input) naming `source` when `data` is not a signed policy or a certificate in it
// does not parse.
SignatureSummary summarize_signature(ByteView data, const std::string& source);

}  // namespace cipolicy::cms
