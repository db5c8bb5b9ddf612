#pragma once
// Whether a PKCS#11 URI carries a PIN: a pin-value or pin-source attribute, found the way a URI
// parser would read it (names compared after percent-decoding and case-folding), so that
// "Pin-Value=" and "%70in-value=" are caught as surely as "pin-value=", and in text that is not
// quite a URI. Kept apart from the parser (uri_parse.cpp) so that every build has it, the static
// executables without PKCS#11 included.

#include <string_view>

namespace cipolicy::pkcs11 {

bool uri_carries_pin(std::string_view uri);

}  // namespace cipolicy::pkcs11
