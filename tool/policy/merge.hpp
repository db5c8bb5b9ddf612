#pragma once
// Merge-CIPolicy: the union of several policies' rules and signers, in one policy XML.

#include <string>
#include <vector>

#include "policy/xml_source.hpp"

namespace cipolicy::policy {

struct MergeResult {
    std::string text;            // UTF-8 policy XML with a declaration
    std::size_t duplicates = 0;  // elements dropped because an equal one was already there
    std::size_t renamed = 0;     // IDs renamed because another element had them
};

// The first policy's options, IDs, version, HvciOptions and settings, plus every EKU, file rule,
// signer, scenario entry and signer list entry of the others that it does not already have.
// "Already has" compares content (attributes and children with references resolved), never
// IDs or FriendlyNames; an added element keeps its ID unless the result already uses it. Signers
// with FileAttribRefs that are equal apart from them are merged into one with the union.
// Deterministic: the same inputs in the same order give the same bytes.
MergeResult merge_policies(const std::vector<const XmlSource*>& sources);

}  // namespace cipolicy::policy
