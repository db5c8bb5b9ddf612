#pragma once
// Policy strings. The binary stores UTF-16LE code units, and round trips must be byte-exact even
// for text that is not valid Unicode, so the model keeps code units and converts only at the edges.

#include <optional>
#include <string>
#include <string_view>

namespace cipolicy::policy {

// Absent (nullopt) or present. The binary cannot store a present empty string: it has the same
// encoding as an absent one, so the writer rejects it rather than change the policy silently.
using PolicyString = std::optional<std::u16string>;

// UTF-8 to UTF-16. Throws Error(input) on malformed UTF-8.
std::u16string utf8_to_utf16(std::string_view utf8);

// UTF-16 to UTF-8 for display; unpaired surrogates become U+FFFD.
std::string utf16_to_utf8(std::u16string_view utf16);

// Present string from UTF-8 (for tests and built-in policies).
inline PolicyString policy_string(std::string_view utf8) {
    return utf8_to_utf16(utf8);
}

}  // namespace cipolicy::policy
