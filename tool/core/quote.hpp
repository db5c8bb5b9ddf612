#pragma once
// Untrusted text (an XML attribute, a service's error code, a YAML key) inside a diagnostic:
// escaped so that it cannot end the line, forge a second "cipolicy: error:" line, recolour a
// terminal or carry invalid UTF-8, and cut short so that a 20 MB value is not a 20 MB message.

#include <cstddef>
#include <string>
#include <string_view>

namespace cipolicy {

// Enough for any real value (GUIDs, hashes, names), short enough for one line of a build log.
inline constexpr std::size_t kQuotedMax = 200;

// The text with control characters, backslashes and invalid UTF-8 bytes written as \n, \t, \\,
// \xNN; at most `max` input bytes are shown, then "..." and the full size in bytes.
std::string escaped(std::string_view text, std::size_t max = kQuotedMax);

// escaped(text) inside double quotes (a double quote inside is escaped too).
std::string quote(std::string_view text, std::size_t max = kQuotedMax);

// The last line of defence where a diagnostic is printed: the same escapes, but backslashes and
// quotes stay as they are (Windows paths), and the cut is longer.
// It also hides the user name and password of every URL in the message (redact_userinfo).
inline constexpr std::size_t kDiagnosticMax = 4096;
std::string one_line(std::string_view message, std::size_t max = kDiagnosticMax);

// `text` with the userinfo of every URL in it ("https://user:secret@host/") replaced by "***":
// a --timestamp-url with a password is never printed with it.
std::string redact_userinfo(std::string_view text);

}  // namespace cipolicy
