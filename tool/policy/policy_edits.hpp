#pragma once
// The edits that make a policy signable, done on the XML the way Microsoft's cmdlets do them
// (Add-SignerRule, Set-RuleOption, Set-CIPolicyVersion, Set-CIPolicyIdInfo), changing nothing
// else in the document. Each throws Error naming file, line and column when the document lacks
// what the edit needs.

#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "policy/guid.hpp"
#include "policy/options.hpp"
#include "policy/version.hpp"
#include "policy/xml_source.hpp"

namespace cipolicy::policy {

struct SignerRuleRequest {
    Bytes tbs_hash;                     // the certificate's TBS hash (its own digest)
    std::string name;                   // the signer's Name: the certificate's CN
    std::vector<std::string> eku_oids;  // CertEKUs the signing certificate must carry
    bool update = false;                // UpdatePolicySigners (Add-SignerRule -Update)
    bool supplemental = false;          // SupplementalPolicySigners (-Supplemental)
};

struct SignerRuleResult {
    std::string signer_id;
    bool signer_added = false;  // false: an identical signer was reused
    std::vector<std::string> eku_ids;
};

// Adds (or reuses) EKUs and a TBS signer, and names it in the requested lists unless it is
// already there.
SignerRuleResult add_signer_rule(XmlSource& source, const SignerRuleRequest& request);

// Adds the option (unless present) or removes every Rule holding it. Returns whether the document
// changed.
bool set_rule_option(XmlSource& source, const RuleOptionInfo& option, bool enabled);

// Sets VersionEx; returns the previous version.
Version set_policy_version(XmlSource& source, const Version& version);

struct PolicyIds {
    Guid policy_id;
    Guid base_policy_id;
};

// Set-CIPolicyIdInfo: `new_policy_id` (nullopt keeps the current one) and, with `base`, makes the
// policy a supplemental policy of that base. A single-policy-format policy becomes
// multiple-policy format. A base policy's BasePolicyID follows its PolicyID.
PolicyIds set_policy_ids(XmlSource& source, std::optional<Guid> new_policy_id,
                         std::optional<Guid> base);

}  // namespace cipolicy::policy
