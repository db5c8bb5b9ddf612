#pragma once
// Putting a timestamp token into a signed policy, as signtool /tr does: the unsigned attribute
// 1.3.6.1.4.1.311.3.3.1 of the SignerInfo. Everything else stays byte for byte.

#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace cipolicy::timestamp {

// Microsoft's RFC 3161 counter-signature attribute, and the legacy PKCS#9 one it replaces.
inline constexpr std::string_view kTimestampAttributeOid = "1.3.6.1.4.1.311.3.3.1";
inline constexpr std::string_view kCounterSignatureOid = "1.2.840.113549.1.9.6";

// `signed_file` with `token` as its only timestamp (earlier 3.3.1 and 9.6 attributes removed).
// Throws Error(input) naming `source` when the file is not in signtool's exact layout, since then
// it could not be re-assembled unchanged.
Bytes with_timestamp(ByteView signed_file, ByteView token, const std::string& source);

// The signature value of a signed policy's only SignerInfo: what a timestamp imprints.
Bytes signature_value(ByteView signed_file, const std::string& source);

}  // namespace cipolicy::timestamp
