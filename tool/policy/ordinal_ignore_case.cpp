#include "policy/ordinal_ignore_case.hpp"

#include <algorithm>

namespace cipolicy::policy {

char16_t invariant_upper(char16_t c) {
    if (c < 0x80) return (c >= u'a' && c <= u'z') ? static_cast<char16_t>(c - 0x20) : c;
    if (c == 0xB5) return 0x39C;  // micro sign -> Greek capital mu
    if ((c >= 0xE0 && c <= 0xFE && c != 0xF7)) return static_cast<char16_t>(c - 0x20);
    if (c == 0xFF) return 0x178;
    // Latin Extended-A: mostly pairs (even upper, odd lower), with a shifted run in 0x139-0x148
    // and 0x179-0x17E (odd upper, even lower); U+0131 dotless i and U+017F long s are special.
    if (c == 0x131) return u'I';
    if (c == 0x17F) return u'S';
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
        return (c % 2 == 0) ? static_cast<char16_t>(c - 1) : c;
    if (c >= 0x100 && c <= 0x177 && c != 0x138 && c != 0x149)
        return (c % 2 == 1) ? static_cast<char16_t>(c - 1) : c;
    // Greek.
    if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return static_cast<char16_t>(c - 0x20);
    if (c == 0x3C2) return 0x3A3;  // final sigma
    if (c == 0x3AC) return 0x386;
    if (c >= 0x3AD && c <= 0x3AF) return static_cast<char16_t>(c - 0x25);
    if (c == 0x3CC) return 0x38C;
    if (c == 0x3CD || c == 0x3CE) return static_cast<char16_t>(c - 0x3F);
    // Cyrillic.
    if (c >= 0x430 && c <= 0x44F) return static_cast<char16_t>(c - 0x20);
    if (c >= 0x450 && c <= 0x45F) return static_cast<char16_t>(c - 0x50);
    return c;
}

int compare_ordinal_ignore_case(std::u16string_view a, std::u16string_view b) {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const char16_t x = invariant_upper(a[i]);
        const char16_t y = invariant_upper(b[i]);
        if (x != y) return x < y ? -1 : 1;
    }
    if (a.size() == b.size()) return 0;
    return a.size() < b.size() ? -1 : 1;
}

}  // namespace cipolicy::policy
