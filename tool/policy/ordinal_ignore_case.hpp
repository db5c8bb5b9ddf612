#pragma once
// .NET's StringComparison.OrdinalIgnoreCase, which orders file rule names and settings: UTF-16
// code units compared as numbers after invariant simple upper-casing of each unit.

#include <string_view>

namespace cipolicy::policy {

// Invariant simple upper case of one UTF-16 code unit. Covers ASCII, Latin-1, Latin Extended-A,
// Greek and Cyrillic, the scripts file names in real policies use; other units map to themselves
// (see docs/compiler.md).
char16_t invariant_upper(char16_t c);

// <0, 0 or >0.
int compare_ordinal_ignore_case(std::u16string_view a, std::u16string_view b);

}  // namespace cipolicy::policy
