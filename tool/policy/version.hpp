#pragma once
// A four-part file or policy version a.b.c.d; policies store it as the u64
// (a<<48)|(b<<32)|(c<<16)|d.

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cipolicy::policy {

struct Version {
    std::array<std::uint16_t, 4> parts{};

    static constexpr Version from_u64(std::uint64_t v) {
        return Version{{static_cast<std::uint16_t>(v >> 48), static_cast<std::uint16_t>(v >> 32),
                        static_cast<std::uint16_t>(v >> 16), static_cast<std::uint16_t>(v)}};
    }
    constexpr std::uint64_t to_u64() const {
        return std::uint64_t{parts[0]} << 48 | std::uint64_t{parts[1]} << 32 |
               std::uint64_t{parts[2]} << 16 | parts[3];
    }

    // Exactly four decimal numbers 0..65535 separated by dots (the form policy XML requires).
    static std::optional<Version> parse(std::string_view text);
    std::string to_string() const;  // "10.0.27825.0"

    friend auto operator<=>(const Version&, const Version&) = default;
};

// What Microsoft's compiler writes as the minimum version of a Deny rule with no version range.
inline constexpr Version kMaxVersion{{0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF}};

}  // namespace cipolicy::policy
