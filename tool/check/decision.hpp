#pragma once
// What `check` says about one file: the verdict, and the rules and options that decided it, each
// named the way the policy names it (the XML ID, or its place in the binary) with why it applied.

#include <string>
#include <string_view>
#include <vector>

namespace cipolicy::check {

enum class Verdict {
    allowed,     // an allow rule matched and no deny rule did
    blocked,     // a deny rule or option matched, or no allow rule did
    audit_only,  // would not be shown to run under enforcement; runs because of Audit Mode
    undecided,   // depends on what only the machine knows (FilePath, ISG, managed installer, ...)
};

std::string_view verdict_text(Verdict v);  // "allowed", "blocked", "audit-only", "undecided"

enum class Effect {
    deny,         // this rule or option blocks the file
    allow,        // this rule allows the file
    undecidable,  // this rule could apply; only the machine can tell
    ignored,      // this rule matches but has no effect (an exception, a supplemental's deny)
};

std::string_view effect_text(Effect e);

// One rule (or option) that took part in the decision. Text from the policy and from the file
// (names, CNs) is kept as it is; whoever prints it escapes it.
struct Finding {
    Effect effect = Effect::deny;
    std::string policy;   // the policy file it comes from
    std::string rule_id;  // XML ID, "FileRules[12]" / "Signers[3]" from a binary, or the option
    std::string friendly_name;  // FriendlyName or the signer's Name, when the policy has one
    std::string kind;           // "Deny", "Allow", "DeniedSigner", "AllowedSigner", "option", ...
    std::string why;            // "Authenticode SHA256 9DCF... equals the rule's Hash"
};

struct Decision {
    Verdict verdict = Verdict::blocked;
    int scenario = 0;               // 131 (kernel mode) or 12 (user mode)
    std::string summary;            // one line: why this verdict
    std::vector<Finding> deciding;  // the rules that decided (the denials when blocked, ...)
    std::vector<Finding> notes;     // rules that were undecidable or ignored, options, caveats
};

}  // namespace cipolicy::check
