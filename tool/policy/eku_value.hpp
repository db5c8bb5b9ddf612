#pragma once
// The Value of a policy's <EKU> element for an OID, as Add-SignerRule and New-CIPolicyRule write
// it.

#include <string_view>

#include "core/bytes.hpp"

namespace cipolicy::policy {

// The DER OBJECT IDENTIFIER with its tag byte 06 replaced by 01: 1.3.6.1.5.5.7.3.3 ->
// 01 08 2B06010505070303. Throws Error(usage) when `dotted` is not a dotted-decimal OID.
Bytes oid_to_eku_value(std::string_view dotted);

}  // namespace cipolicy::policy
