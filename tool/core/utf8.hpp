#pragma once
// Decoding one UTF-8 sequence strictly (RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF), for the checks that must tell valid text from bytes that only look like it.

#include <cstddef>
#include <string>
#include <string_view>

namespace cipolicy {

// The length (1 to 4) of the valid sequence at text[at], with its code point in `cp`; 0 when the
// bytes there are not valid UTF-8.
std::size_t decode_utf8(std::string_view text, std::size_t at, char32_t& cp);

// Writes the UTF-8 encoding of `cp` (a Unicode scalar value) at `out`, which has room for 4
// bytes; returns its length (1 to 4).
std::size_t encode_utf8(char32_t cp, char* out);
// Appends the UTF-8 encoding of `cp` (a Unicode scalar value) to `out`.
void append_utf8(std::string& out, char32_t cp);

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
constexpr bool is_xml_char(char32_t cp) {
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

// `text` with everything XML 1.0 cannot hold (controls other than tab, LF and CR, U+FFFE, U+FFFF,
// invalid UTF-8; not even as a character reference) replaced by U+FFFD: untrusted text (a
// certificate's CN) written into a policy keeps the file well-formed.
std::string xml_safe(std::string_view text);

}  // namespace cipolicy
