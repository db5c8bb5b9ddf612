#include "policy/xml_encoding.hpp"

#include <cstdint>

#include "core/error.hpp"
#include "core/utf8.hpp"

namespace cipolicy::policy {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kUtf16LeBom = "\xFF\xFE";
constexpr std::string_view kUtf16BeBom = "\xFE\xFF";

// "path(line,col)" of the end of what has been decoded so far (columns in characters).
std::string where(const std::string& path, const std::string& decoded) {
    std::size_t line = 1, column = 1;
    for (char ch : decoded) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n') {
            ++line;
            column = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++column;
        }
    }
    return path + "(" + std::to_string(line) + "," + std::to_string(column) + ")";
}

std::string utf16_to_utf8_strict(std::string_view bytes, bool little_endian,
                                 const std::string& path) {
    if (bytes.size() % 2 != 0)
        throw Error(ExitCode::input, path +
                                         ": UTF-16 text with an odd number of bytes (the file is "
                                         "cut short or not UTF-16); save it again");
    std::string out;
    out.reserve(bytes.size());
    auto unit = [&](std::size_t i) -> char16_t {
        const auto a = static_cast<unsigned char>(bytes[i]);
        const auto b = static_cast<unsigned char>(bytes[i + 1]);
        return static_cast<char16_t>(little_endian ? (a | b << 8) : (a << 8 | b));
    };
    for (std::size_t i = 0; i < bytes.size(); i += 2) {
        const char16_t u = unit(i);
        char32_t cp = u;
        if (u >= 0xD800 && u <= 0xDBFF && i + 2 < bytes.size()) {
            const char16_t low = unit(i + 2);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                cp = 0x10000 + ((static_cast<char32_t>(u) - 0xD800) << 10) + (low - 0xDC00);
                i += 2;
            }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF)
            throw Error(ExitCode::input, where(path, out) +
                                             ": not valid UTF-16 (an unpaired surrogate); save "
                                             "the file again as UTF-16 or UTF-8");
        append_utf8(out, cp);
    }
    return out;
}

void append_utf16(std::string& out, char16_t u, bool little_endian) {
    const auto lo = static_cast<char>(u & 0xFF);
    const auto hi = static_cast<char>(u >> 8);
    out += little_endian ? lo : hi;
    out += little_endian ? hi : lo;
}

}  // namespace

DecodedXml decode_xml(std::string bytes, const std::string& path) {
    const std::string_view b = bytes;
    if (b.starts_with(kUtf8Bom)) {
        bytes.erase(0, kUtf8Bom.size());  // in place: no second copy of the document
        return {std::move(bytes), XmlEncoding::utf8_bom};
    }
    if (b.starts_with(kUtf16LeBom))
        return {utf16_to_utf8_strict(b.substr(2), true, path), XmlEncoding::utf16le};
    if (b.starts_with(kUtf16BeBom))
        return {utf16_to_utf8_strict(b.substr(2), false, path), XmlEncoding::utf16be};
    // "<" as UTF-16 without a mark: .NET, and so ConvertFrom-CIPolicy, reads such a file only
    // by guessing; say what to do instead of reporting a NUL byte.
    if (b.size() >= 2 && ((b[0] == '<' && b[1] == '\0') || (b[0] == '\0' && b[1] == '<')))
        throw Error(ExitCode::input, path +
                                         "(1,1): UTF-16 without a byte order mark; save it "
                                         "with one (PowerShell: Out-File -Encoding Unicode) "
                                         "or as UTF-8");
    return {std::move(bytes), XmlEncoding::utf8};
}

std::string encode_xml(const std::string& utf8, XmlEncoding encoding) {
    switch (encoding) {
        case XmlEncoding::utf8:
            return utf8;
        case XmlEncoding::utf8_bom:
            return std::string(kUtf8Bom) + utf8;
        case XmlEncoding::utf16le:
        case XmlEncoding::utf16be:
            break;
    }
    const bool le = encoding == XmlEncoding::utf16le;
    std::string out(le ? kUtf16LeBom : kUtf16BeBom);
    out.reserve(2 + utf8.size() * 2);
    for (std::size_t i = 0; i < utf8.size();) {
        char32_t cp = 0;
        std::size_t n = decode_utf8(utf8, i, cp);
        if (n == 0) {  // the parser accepted only valid UTF-8; keep the byte visible if not
            cp = 0xFFFD;
            n = 1;
        }
        i += n;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            append_utf16(out, static_cast<char16_t>(0xD800 + (cp >> 10)), le);
            append_utf16(out, static_cast<char16_t>(0xDC00 + (cp & 0x3FF)), le);
        } else {
            append_utf16(out, static_cast<char16_t>(cp), le);
        }
    }
    return out;
}

}  // namespace cipolicy::policy
