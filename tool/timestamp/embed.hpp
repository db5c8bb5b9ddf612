#pragma once
// Putting a timestamp token into a signed policy, as signtool /tr does: the unsigned attribute
// 1.3.6.1.4.1.311.3.3.1 of the SignerInfo. Everything else stays byte for byte.

#include "cms/signed_policy.hpp"
#include "crypto/certificate.hpp"
#include "timestamp/client.hpp"

namespace cipolicy::timestamp {

// Makes `token` the only timestamp of `parts` (earlier 3.3.1 and 9.6 attributes removed).
void set_timestamp(cms::SignedPolicyParts& parts, ByteView token);

// Asks `client` for a token over the signature of `parts` (made by `signer`) and sets it.
TokenInfo stamp(cms::SignedPolicyParts& parts, const crypto::Certificate& signer,
                TsaClient& client);

}  // namespace cipolicy::timestamp
