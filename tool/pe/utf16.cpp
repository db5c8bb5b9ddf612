#include "pe/utf16.hpp"

#include "core/utf8.hpp"

namespace cipolicy::pe {

std::string utf16_to_utf8(ByteView units, Endian endian) {
    std::string out;
    const std::size_t count = units.size() / 2;
    auto unit = [&](std::size_t i) -> char32_t {
        const std::uint8_t a = units[2 * i], b = units[2 * i + 1];
        return endian == Endian::little ? char32_t(a | (b << 8)) : char32_t((a << 8) | b);
    };
    for (std::size_t i = 0; i < count; ++i) {
        char32_t u = unit(i);
        if (u == 0) break;
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < count) {
            const char32_t low = unit(i + 1);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
                ++i;
                continue;
            }
        }
        append_utf8(out, (u >= 0xD800 && u <= 0xDFFF) ? char32_t(0xFFFD) : u);
    }
    return out;
}

}  // namespace cipolicy::pe
