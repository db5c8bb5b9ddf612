#include "policy/guid.hpp"

#include <openssl/rand.h>

#include "core/error.hpp"

namespace cipolicy::policy {
namespace {

// Text order of the 16 bytes: Data1..Data3 are little-endian in ToByteArray, so the text's first
// byte is storage byte 3, and so on; the last 8 bytes keep their order.
constexpr std::array<int, 16> kTextToStorage = {3, 2, 1,  0,  5,  4,  7,  6,
                                                8, 9, 10, 11, 12, 13, 14, 15};

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

Guid Guid::from_bytes(ByteView bytes) {
    if (bytes.size() != 16)
        throw Error(ExitCode::internal, "GUID needs 16 bytes, got " + std::to_string(bytes.size()));
    Storage s{};
    for (std::size_t i = 0; i < 16; ++i) s[i] = bytes[i];
    return Guid(s);
}

Guid Guid::random() {
    Storage s{};
    if (RAND_bytes(s.data(), static_cast<int>(s.size())) != 1)
        throw Error(ExitCode::internal, "no random bytes for a new GUID");
    // RFC 4122 version 4: Data3's top nibble (storage byte 7, little-endian) is 4, and the
    // variant bits of the first byte of the last 8 are 10.
    s[7] = static_cast<std::uint8_t>((s[7] & 0x0F) | 0x40);
    s[8] = static_cast<std::uint8_t>((s[8] & 0x3F) | 0x80);
    return Guid(s);
}

std::optional<Guid> Guid::parse(std::string_view text) {
    if (text.size() == 38) {
        if (text.front() != '{' || text.back() != '}') return std::nullopt;
        text = text.substr(1, 36);
    }
    if (text.size() != 36) return std::nullopt;
    Storage s{};
    std::size_t byte = 0;
    for (std::size_t i = 0; i < text.size();) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (text[i] != '-') return std::nullopt;
            ++i;
            continue;
        }
        int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        s[static_cast<std::size_t>(kTextToStorage[byte++])] =
            static_cast<std::uint8_t>(hi << 4 | lo);
        i += 2;
    }
    return Guid(s);
}

std::string Guid::to_string() const {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out = "{";
    for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        std::uint8_t b = bytes_[static_cast<std::size_t>(kTextToStorage[i])];
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0xF]);
    }
    out.push_back('}');
    return out;
}

}  // namespace cipolicy::policy
