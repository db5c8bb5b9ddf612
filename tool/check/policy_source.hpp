#pragma once
// The policies `check` evaluates against: policy XML (read as `compile` reads it, so rules keep
// their IDs), a policy binary, or a signed policy (.cip, .p7b).

#include <string>

#include "policy/model.hpp"

namespace cipolicy::check {

struct PolicySource {
    std::string path;
    policy::Policy policy;
    bool has_xml_ids = false;  // read from XML: rules are named by ID
};

// Throws Error(input) naming the file when it is none of the three.
PolicySource load_policy(const std::string& path);

}  // namespace cipolicy::check
