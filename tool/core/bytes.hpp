#pragma once
// Byte buffers and the few conversions every module needs.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cipolicy {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// The bytes of a text, viewed in place.
inline ByteView byte_view(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Uppercase hex, no separators (the form CertRoot and EKU values take in policy XML).
std::string to_hex(ByteView data);

// Parses hex (either case, no separators). Returns false on odd length or a non-hex digit.
bool from_hex(std::string_view hex, Bytes& out);

}  // namespace cipolicy
