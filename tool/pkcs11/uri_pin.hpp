#pragma once
// Whether a PKCS#11 URI carries a PIN: a pin-value or pin-source attribute, found the way a URI
// parser would read it (names compared after percent-decoding and case-folding), so that
// "Pin-Value=" and "%70in-value=" are caught as surely as "pin-value=". Kept apart from
// token_uri.cpp (p11-kit) so that every build, and the unit tests, have it.

#include <string_view>

namespace cipolicy::pkcs11 {

bool uri_carries_pin(std::string_view uri);

}  // namespace cipolicy::pkcs11
