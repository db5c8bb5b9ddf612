#pragma once
// Opening a file that is either a policy binary or a signed policy.

#include <string>

#include "core/bytes.hpp"
#include "policy/model.hpp"

namespace cipolicy::cms {

struct PolicyFile {
    Bytes data;  // the whole file
    bool is_signed = false;
    Bytes policy_bytes;     // the policy binary (inside the signature when signed)
    policy::Policy policy;  // the policy (inside the signature when signed)
};

// Throws Error(input) naming the file when it is neither.
PolicyFile read_policy_or_signed(const std::string& path);

}  // namespace cipolicy::cms
