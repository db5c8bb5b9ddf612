#pragma once
// A scan's rules as a complete policy XML (valid against cipolicy.xsd, accepted by `compile`),
// written in an order that depends only on the rules: FriendlyName, then ID.

#include <string>

#include "scan/rule_set.hpp"

namespace cipolicy::scan {

struct PolicyHeader {
    std::string policy_id;       // "{GUID}"
    std::string base_policy_id;  // == policy_id for a base policy
    bool supplemental = false;
    std::string name;  // the policy's FriendlyName and the scenarios' FriendlyName
};

// UTF-8 text with an XML declaration.
std::string write_scan_policy(const RuleSet& rules, const PolicyHeader& header);

}  // namespace cipolicy::scan
