#pragma once
// The indices a policy holds (into its EKUs, file rules and signers) must point inside those
// tables; Windows would reject or misread a policy whose indices do not.

#include "policy/model.hpp"

namespace cipolicy::policy {

// Throws Error(input) naming the first index that points past its table.
void check_references(const Policy& policy);

}  // namespace cipolicy::policy
