#pragma once
// A policy's rules indexed once, so that each file costs a few lookups however long the policy
// is: the vulnerable driver blocklist's ~1,700 hash denials become one hash-table probe per hash
// of the file, its name rules one probe per VERSIONINFO name, its signer rules one probe per
// certificate of the file's chain. Rules no key can find (FileName="*", FilePath, well-known
// roots) are kept in short lists that every file visits.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "check/file_facts.hpp"
#include "policy/model.hpp"

namespace cipolicy::check {

struct FileRuleIndex {
    void add(const policy::FileRule& rule, std::uint32_t index);
    // Indices into Policy::file_rules that may match the file, ascending, each once.
    std::vector<std::uint32_t> candidates(const FileFacts& file) const;

    std::unordered_map<std::string, std::vector<std::uint32_t>> by_hash;  // raw hash bytes
    std::unordered_map<std::u16string, std::vector<std::uint32_t>> by_name[kNameFields];
    std::vector<std::uint32_t> always;
};

struct SignerIndex {
    // `entry` indexes the signer list (AllowedSigners or DeniedSigners) the rule is in.
    void add(const policy::SignerRule& signer, std::uint32_t entry);
    std::vector<std::uint32_t> candidates(const FileFacts& file) const;

    std::unordered_map<std::string, std::vector<std::uint32_t>> by_tbs;
    std::vector<std::uint32_t> always;
};

// The rules of one signing scenario's ProductSigners.
struct ScenarioRules {
    const policy::SigningScenario* scenario = nullptr;
    FileRuleIndex deny;   // Deny rules of FileRulesRef
    FileRuleIndex allow;  // Allow rules of FileRulesRef
    SignerIndex denied;   // into scenario->product_signers.denied
    SignerIndex allowed;  // into scenario->product_signers.allowed
};

class PolicyIndex {
  public:
    // Throws Error(input) naming `source` when an index in the policy points past its table.
    PolicyIndex(const policy::Policy& policy, const std::string& source);
    // nullptr when the policy has no signing scenario with that value.
    const ScenarioRules* scenario(int value) const;

  private:
    std::vector<std::pair<int, ScenarioRules>> scenarios_;
};

}  // namespace cipolicy::check
