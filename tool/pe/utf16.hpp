#pragma once
// UTF-16 text in PE resources (little-endian) and Authenticode BMPStrings (big-endian) to UTF-8
// (internal to pe/). Unpaired surrogates become U+FFFD, as Windows shows them.

#include <string>

#include "core/bytes.hpp"

namespace cipolicy::pe {

enum class Endian { little, big };

// Converts whole code units; stops at the first NUL.
std::string utf16_to_utf8(ByteView units, Endian endian);

}  // namespace cipolicy::pe
