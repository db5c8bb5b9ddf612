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

// Appends the UTF-8 encoding of `cp` (a Unicode scalar value) to `out`.
void append_utf8(std::string& out, char32_t cp);

// `text` with everything XML 1.0 cannot hold (controls other than tab, LF and CR, U+FFFE, U+FFFF,
// invalid UTF-8; not even as a character reference) replaced by U+FFFD: untrusted text (a
// certificate's CN) written into a policy keeps the file well-formed.
std::string xml_safe(std::string_view text);

}  // namespace cipolicy
