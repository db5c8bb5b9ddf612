#pragma once
// A PolicyID that a rescan keeps: derived from the policy's name and its base, not drawn at
// random, so regenerating a policy in a build does not make Windows see a new policy.

#include <string>

#include "policy/guid.hpp"

namespace cipolicy::scan {

// A name-based GUID (RFC 9562 version 8 layout) from SHA-256 of the inputs.
policy::Guid derived_policy_id(const std::string& name, const std::string& base_policy_id);

}  // namespace cipolicy::scan
