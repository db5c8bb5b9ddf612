#include "core/bytes.hpp"

#include <array>

namespace cipolicy {

std::string to_hex(ByteView data) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(data.size() * 2);
    for (auto b : data) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0xF]);
    }
    return out;
}

namespace {

// Each byte's value as a hex digit, or -1: one load per digit instead of three range tests.
constexpr auto kHexValues = [] {
    std::array<signed char, 256> t{};
    t.fill(-1);
    for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<signed char>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<signed char>(c - 'a' + 10);
    for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<signed char>(c - 'A' + 10);
    return t;
}();

}  // namespace

bool from_hex(std::string_view hex, Bytes& out) {
    if (hex.size() % 2 != 0) return false;
    Bytes result(hex.size() / 2);
    for (std::size_t i = 0; i < result.size(); ++i) {
        const int hi = kHexValues[static_cast<unsigned char>(hex[2 * i])];
        const int lo = kHexValues[static_cast<unsigned char>(hex[2 * i + 1])];
        if ((hi | lo) < 0) return false;
        result[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    out = std::move(result);
    return true;
}

}  // namespace cipolicy
