#pragma once
// The decompiler's promise, checked rather than assumed: the XML it writes compiles, and compiles
// back to the same bytes unless a warning said why it cannot.

#include <cstdint>

#include "core/bytes.hpp"
#include "policy/xml_writer.hpp"

namespace cipolicy::policy {

// Compiles `xml` with `format_version` (at least the lowest the compiler writes) and compares
// the result with `binary`, the bytes it was decompiled from. Throws Error(input) saying what
// the XML could not carry (a SigningScenario Value above 255, a date beyond year 9999, ...).
void check_round_trip(const PolicyXml& xml, ByteView binary, std::uint32_t format_version);

}  // namespace cipolicy::policy
