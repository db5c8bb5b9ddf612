#pragma once
// Writes a policy model as a compiled (binary) code integrity policy, exactly as the model says:
// no sorting and no defaults, so reading a Microsoft binary and writing it gives the same bytes.

#include <cstdint>

#include "core/bytes.hpp"
#include "policy/model.hpp"

namespace cipolicy::policy {

// Throws Error(input) rather than write a file Windows would misread: an index past its table,
// a present-but-empty string, an unsupported format version, or a field the chosen format version
// cannot store (a FilePath below format 7, multiple-policy format below 6, ...).
Bytes write_policy_binary(const Policy& policy);

// The lowest format version that stores everything in the policy (1 when nothing needs more).
std::uint32_t minimum_format_version(const Policy& policy);

}  // namespace cipolicy::policy
