#pragma once
// The order Microsoft's compiler (ConvertFrom-CIPolicy) gives a policy: file rules sorted with its
// comparator and its legacy unstable quicksort, every index into them remapped, FileRulesRef
// ascending, settings sorted case-insensitively. Everything else keeps document order.

#include <cstdint>
#include <vector>

#include "policy/model.hpp"

namespace cipolicy::policy {

// The comparator (<0, 0, >0): type (Deny < Allow < FileAttrib); then FileName, InternalName,
// FileDescription, ProductName, PackageFamilyName, FilePath, each OrdinalIgnoreCase with absent
// first; then Hash bytes (empty first). Versions do not take part: rules that differ only in
// versions tie.
int compare_file_rules(const FileRule& a, const FileRule& b);

// The compiled position of each rule: result[k] is the index (in `rules`) of the rule that the
// compiler puts at position k.
std::vector<std::uint32_t> compiled_rule_order(const std::vector<FileRule>& rules);

// Reorders a policy read from XML (file rules and their references in document order) into the
// order the binary needs.
void apply_compiler_order(Policy& policy);

// The document order that compiles back to `rules` as they are: for a policy read from a binary,
// the XML must list its rules so that the unstable sort puts tied rules back where they were.
// result[x] is the index (in `rules`) of the rule to write at document position x. Requires
// `rules` to be sorted by compare_file_rules (as every compiled policy is); returns nullopt-like
// empty vector for a non-empty input that is not.
std::vector<std::uint32_t> document_order_for(const std::vector<FileRule>& rules);

}  // namespace cipolicy::policy
