#pragma once
// The policy model as policy XML (the decompiler): valid against cipolicy.xsd, with generated IDs
// (ID_EKU_E_1, ID_SIGNER_S_1, ID_DENY_D_1, ID_ALLOW_A_1, ID_FILEATTRIB_F_1,
// ID_SIGNINGSCENARIO_S_1), written so that compiling it gives the same binary again.

#include <string>
#include <vector>

#include "policy/model.hpp"

namespace cipolicy::policy {

struct PolicyXml {
    std::string text;                   // UTF-8, with an XML declaration
    std::vector<std::string> warnings;  // what the XML cannot carry, so a recompile would differ
};

// Throws Error(input) for what policy XML cannot express at all: file rule AppIDs (not supported
// yet), and policy strings that are not valid Unicode.
PolicyXml write_policy_xml(const Policy& policy);

}  // namespace cipolicy::policy
