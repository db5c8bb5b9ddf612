#include "core/quote.hpp"

#include <algorithm>
#include <cstdio>

#include "core/utf8.hpp"

namespace cipolicy {

namespace {

// Valid UTF-8 that still must not appear raw in one line of a log: C1 controls (U+0085 NEL
// among them), U+2028/U+2029 (line ends in some viewers) and the bidirectional overrides
// U+202A..U+202E, U+2066..U+2069 (they make a line read differently from what it holds).
bool unsafe_in_a_line(char32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

void append_hex(std::string& out, unsigned char c) {
    char buf[5];
    std::snprintf(buf, sizeof buf, "\\x%02X", c);
    out += buf;
}

enum class Mode { value, quoted_value, line };

std::string escape(std::string_view text, std::size_t max, Mode mode) {
    std::string out;
    std::size_t i = 0;
    for (; i < text.size() && i < max;) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            char32_t cp = 0;
            const std::size_t n = decode_utf8(text, i, cp);
            if (n == 0 || unsafe_in_a_line(cp)) {
                // Byte by byte, so that the escaped form shows exactly what the input held.
                for (std::size_t end = i + std::max<std::size_t>(n, 1); i < end; ++i)
                    append_hex(out, static_cast<unsigned char>(text[i]));
            } else if (i + n > max) {
                break;  // cut before the character rather than inside it
            } else {
                out.append(text.substr(i, n));
                i += n;
            }
            continue;
        }
        switch (c) {
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\\':
                out += mode == Mode::line ? "\\" : "\\\\";
                break;
            case '"':
                out += mode == Mode::quoted_value ? "\\\"" : "\"";
                break;
            default:
                if (c < 0x20 || c == 0x7F)
                    append_hex(out, c);
                else
                    out.push_back(static_cast<char>(c));
        }
        ++i;
    }
    if (i < text.size()) out += "... (" + std::to_string(text.size()) + " bytes)";
    return out;
}

}  // namespace

std::string escaped(std::string_view text, std::size_t max) {
    return escape(text, max, Mode::value);
}

std::string quote(std::string_view text, std::size_t max) {
    return "\"" + escape(text, max, Mode::quoted_value) + "\"";
}

std::string one_line(std::string_view message, std::size_t max) {
    return escape(redact_userinfo(message), max, Mode::line);
}

std::string redact_userinfo(std::string_view text) {
    std::string out;
    std::size_t done = 0;
    for (std::size_t sep = text.find("://"); sep != std::string_view::npos;
         sep = text.find("://", sep + 3)) {
        const std::size_t start = sep + 3;
        // The authority ends where the path, query or fragment starts, or where the URL ends in
        // the surrounding text.
        std::size_t end = start;
        while (end < text.size() &&
               std::string_view("/?#\"'<>() \t\r\n").find(text[end]) == std::string_view::npos)
            ++end;
        const std::size_t at = text.substr(start, end - start).rfind('@');
        if (at == std::string_view::npos) continue;
        out.append(text.substr(done, start - done));
        out += "***";
        done = start + at;  // from the '@' on
    }
    out.append(text.substr(done));
    return out;
}

}  // namespace cipolicy
