#include "policy/version.hpp"

namespace cipolicy::policy {

std::optional<Version> Version::parse(std::string_view text) {
    Version v;
    std::size_t part = 0;
    std::size_t i = 0;
    while (true) {
        std::uint32_t value = 0;
        std::size_t digits = 0;
        // Five digits suffice for 65535; more would only be leading zeros, which XML never has.
        while (i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 6) {
            value = value * 10 + static_cast<std::uint32_t>(text[i] - '0');
            ++i;
            ++digits;
        }
        if (digits == 0 || digits > 5 || value > 0xFFFF) return std::nullopt;
        v.parts[part++] = static_cast<std::uint16_t>(value);
        if (part == 4) break;
        if (i >= text.size() || text[i] != '.') return std::nullopt;
        ++i;
    }
    if (i != text.size()) return std::nullopt;
    return v;
}

std::string Version::to_string() const {
    return std::to_string(parts[0]) + "." + std::to_string(parts[1]) + "." +
           std::to_string(parts[2]) + "." + std::to_string(parts[3]);
}

}  // namespace cipolicy::policy
