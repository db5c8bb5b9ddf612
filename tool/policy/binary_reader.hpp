#pragma once
// Reads a compiled (binary) code integrity policy: formats 1 to 8, as laid out in
// spec/policy-binary.md. The input is untrusted.

#include "core/bytes.hpp"
#include "policy/model.hpp"

namespace cipolicy::policy {

// Throws Error(input) with a one-line message naming the byte offset and the expectation when the
// data is not exactly one well-formed policy (truncated, trailing bytes, wrong tags, indices out
// of range, unknown types, non-zero padding or terminators, ...).
//
// The binary cannot tell a multiple-policy-format base policy (PolicyID = BasePolicyID) from a
// single-policy-format one; both write the same bytes. The reader calls it single-policy format
// when the shared GUID is a PolicyTypeID Windows defines, multiple-policy format otherwise.
Policy read_policy_binary(ByteView data);

}  // namespace cipolicy::policy
