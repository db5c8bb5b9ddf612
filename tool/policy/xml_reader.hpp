#pragma once
// Policy XML (urn:schemas-microsoft-com:sipolicy) to the policy model, checked the way
// ConvertFrom-CIPolicy checks it. The result is in document order with the compiler's defaults
// applied; apply_compiler_order() (compile_order.hpp) then gives it the binary's order.

#include "policy/model.hpp"
#include "policy/xml_source.hpp"

namespace cipolicy::policy {

// Throws Error(input) "file(line,col): Element Attribute="value": problem" for the first problem:
// an element or attribute the schema does not allow, a missing required one, a malformed value,
// a duplicate or dangling ID, an unknown rule option, a policy without option 6 and without
// UpdatePolicySigners, a supplemental policy that allows supplemental policies, or a feature
// cipolicy does not support yet (Macros, AppIDs, AppIDTags, other PolicyTypes).
// `names` says whether file rules keep their FriendlyName: a compile does not need them (the
// binary stores neither IDs nor names; messages name a rule by its ID), and a block list has
// thousands, each a string to copy and free.
enum class FileRuleNames { kept, ids_only };
Policy read_policy_xml(const XmlSource& source, FileRuleNames names = FileRuleNames::kept);

}  // namespace cipolicy::policy
