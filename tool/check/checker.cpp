#include "check/checker.hpp"

#include "check/file_facts.hpp"
#include "check/rule_index.hpp"
#include "check/rule_match.hpp"
#include "core/error.hpp"
#include "policy/options.hpp"
#include "policy/text.hpp"

namespace cipolicy::check {

namespace {

namespace bit = policy::option_bit;

struct Loaded {
    PolicySource source;
    PolicyIndex index;
    Loaded(PolicySource s) : source(std::move(s)), index(source.policy, source.path) {}
};

std::string file_rule_id(const Loaded& p, std::uint32_t i) {
    const auto& id = p.source.policy.file_rules[i].xml.id;
    return id.empty() ? "FileRules[" + std::to_string(i) + "]" : id;
}

std::string signer_id(const Loaded& p, std::uint32_t i) {
    const auto& id = p.source.policy.signers[i].xml.id;
    return id.empty() ? "Signers[" + std::to_string(i) + "]" : id;
}

std::string option_name(std::uint32_t b) {
    const auto* o = policy::find_rule_option_by_bit(b);
    return o ? std::string(o->xml_name) : "option bit " + std::to_string(b);
}

// What one policy's rules say about the file, before they are combined.
struct Findings {
    std::vector<Finding> denies, maybe_denies, allows, maybe_allows, notes;
};

Finding file_rule_finding(Effect effect, const Loaded& p, std::uint32_t r, std::string why) {
    const auto& rule = p.source.policy.file_rules[r];
    return {effect,
            p.source.path,
            file_rule_id(p, r),
            rule.xml.friendly_name,
            rule.type == policy::FileRuleType::deny ? "Deny" : "Allow",
            std::move(why)};
}

Finding signer_finding(Effect effect, const Loaded& p, std::uint32_t s, const char* kind,
                       std::string why) {
    return {effect, p.source.path, signer_id(p, s), p.source.policy.signers[s].xml.friendly_name,
            kind,   std::move(why)};
}

std::string signature_label(const pe::Signature& s) {
    return s.nested ? "nested signature: " : "signature: ";
}

// The file rules of one side (Deny or Allow rules of FileRulesRef) that match the file.
void collect_file_rules(const Loaded& p, const FileRuleIndex& index, Context context, Effect effect,
                        const FileFacts& f, std::vector<Finding>& yes, std::vector<Finding>& maybe,
                        std::vector<Finding>& notes) {
    const auto& rules = p.source.policy.file_rules;
    for (std::uint32_t r : index.candidates(f)) {
        const Match m = match_file_rule(rules[r], f, context);
        if (m.state == Match::yes) yes.push_back(file_rule_finding(effect, p, r, m.why));
        if (m.state == Match::unknown)
            maybe.push_back(file_rule_finding(Effect::undecidable, p, r, m.why));
        if (m.state == Match::no && !m.why.empty())
            notes.push_back(file_rule_finding(Effect::ignored, p, r, m.why));
    }
}

// The signers of one side (DeniedSigners with their ExceptAllowRules, or AllowedSigners with
// their ExceptDenyRules) that match one of the file's usable signatures.
template <class Entry>
void collect_signers(const Loaded& p, const SignerIndex& index, const std::vector<Entry>& entries,
                     const std::vector<std::uint32_t> Entry::*exceptions, Context context,
                     Effect effect, const FileFacts& f, std::vector<Finding>& yes,
                     std::vector<Finding>& maybe, std::vector<Finding>& notes) {
    const auto& pol = p.source.policy;
    const bool deny = context == Context::deny;
    const char* kind = deny ? "DeniedSigner" : "AllowedSigner";
    for (std::uint32_t e : index.candidates(f)) {
        const Entry& entry = entries[e];
        for (const pe::Signature* sig : f.usable_signatures) {
            const Match m = match_signer(pol, pol.signers[entry.signer], *sig, f, context);
            if (m.state == Match::no) continue;
            std::string except;
            for (std::uint32_t x : entry.*exceptions) {
                if (x >= pol.file_rules.size()) continue;
                const Match mx =
                    match_file_rule(pol.file_rules[x], f, deny ? Context::allow : Context::deny);
                if (mx.state == Match::yes) {
                    except = std::string(deny ? "ExceptAllowRule " : "ExceptDenyRule ") +
                             file_rule_id(p, x) + " matches (" + mx.why + ")";
                    break;
                }
            }
            const std::string why = signature_label(*sig) + m.why;
            if (!except.empty())
                notes.push_back(
                    signer_finding(Effect::ignored, p, entry.signer, kind,
                                   why + (deny ? "; not denied: " : "; not allowed: ") + except));
            else if (m.state == Match::yes)
                yes.push_back(signer_finding(effect, p, entry.signer, kind, why));
            else
                maybe.push_back(signer_finding(Effect::undecidable, p, entry.signer, kind, why));
            break;
        }
    }
}

// Deny rules and DeniedSigners of one policy's scenario.
void collect_denials(const Loaded& p, const ScenarioRules& sr, const FileFacts& f, Findings& out) {
    collect_file_rules(p, sr.deny, Context::deny, Effect::deny, f, out.denies, out.maybe_denies,
                       out.notes);
    collect_signers(p, sr.denied, sr.scenario->product_signers.denied,
                    &policy::DeniedSigner::except_allow_rules, Context::deny, Effect::deny, f,
                    out.denies, out.maybe_denies, out.notes);
}

// Allow rules and AllowedSigners of one policy's scenario.
void collect_allows(const Loaded& p, const ScenarioRules& sr, const FileFacts& f, Findings& out) {
    collect_file_rules(p, sr.allow, Context::allow, Effect::allow, f, out.allows, out.maybe_allows,
                       out.notes);
    collect_signers(p, sr.allowed, sr.scenario->product_signers.allowed,
                    &policy::AllowedSigner::except_deny_rules, Context::allow, Effect::allow, f,
                    out.allows, out.maybe_allows, out.notes);
}

Finding option_finding(Effect effect, const Loaded& base, std::uint32_t b, std::string why) {
    return {effect, base.source.path, option_name(b), {}, "option", std::move(why)};
}

void append(std::vector<Finding>& to, std::vector<Finding>& from) {
    for (auto& f : from) to.push_back(std::move(f));
    from.clear();
}

std::string first_rule(const std::vector<Finding>& v) {
    return v.empty() ? std::string() : v.front().rule_id;
}

}  // namespace

struct Checker::Impl {
    std::vector<std::unique_ptr<Loaded>> policies;  // the base first
};

Checker::Checker(PolicySource base, std::vector<PolicySource> supplementals)
    : impl_(std::make_unique<Impl>()) {
    if (base.policy.is_supplemental())
        throw Error(ExitCode::input,
                    base.path +
                        ": this is a supplemental policy; Windows applies it only together with "
                        "its base policy (BasePolicyID " +
                        base.policy.base_policy_id().to_string() + "), so check it against that");
    for (const auto& s : supplementals) {
        if (!s.policy.is_supplemental())
            throw Error(ExitCode::input,
                        s.path + ": this is a base policy, not a supplemental policy");
        if (s.policy.base_policy_id() != base.policy.policy_id())
            throw Error(ExitCode::input, s.path + ": its BasePolicyID " +
                                             s.policy.base_policy_id().to_string() +
                                             " is not the base policy's PolicyID " +
                                             base.policy.policy_id().to_string() +
                                             "; Windows would not combine them");
        if (!base.policy.options.has(bit::allow_supplemental_policies))
            throw Error(ExitCode::input,
                        base.path +
                            ": the base policy does not set Enabled:Allow Supplemental Policies, "
                            "so Windows ignores supplemental policies such as " +
                            s.path);
    }
    impl_->policies.push_back(std::make_unique<Loaded>(std::move(base)));
    for (auto& s : supplementals) impl_->policies.push_back(std::make_unique<Loaded>(std::move(s)));
}

Checker::~Checker() = default;

Decision Checker::check(const pe::PeFile& file) const {
    const FileFacts f = facts_of(file);
    const Loaded& base = *impl_->policies.front();
    const policy::Policy& bp = base.source.policy;
    const bool kernel = f.scenario == policy::kKernelModeScenario;
    Decision d;
    d.scenario = f.scenario;
    for (const auto& n : f.signature_notes)
        d.notes.push_back({Effect::ignored, {}, {}, {}, "signature", n});

    if (!kernel && !bp.options.has(bit::umci)) {
        d.verdict = Verdict::allowed;
        d.summary =
            "a user-mode file, and the policy does not set Enabled:UMCI, so Windows "
            "checks only kernel-mode files against it";
        d.deciding.push_back(option_finding(Effect::allow, base, bit::umci,
                                            "not set: user-mode files are not restricted"));
        return d;
    }

    Findings all;
    for (std::size_t i = 0; i < impl_->policies.size(); ++i) {
        const Loaded& p = *impl_->policies[i];
        const ScenarioRules* sr = p.index.scenario(f.scenario);
        if (!sr) continue;
        if (i == 0) {
            collect_denials(p, *sr, f, all);
        } else {
            // Supplementals only add allow rules; what they deny, Windows ignores.
            Findings ignored;
            collect_denials(p, *sr, f, ignored);
            for (auto* v : {&ignored.denies, &ignored.maybe_denies})
                for (auto& x : *v) {
                    x.effect = Effect::ignored;
                    x.why += "; ignored: a supplemental policy cannot deny";
                    all.notes.push_back(std::move(x));
                }
            append(all.notes, ignored.notes);
        }
        collect_allows(p, *sr, f, all);
    }
    if (!base.index.scenario(f.scenario))
        d.notes.push_back({Effect::ignored,
                           base.source.path,
                           {},
                           {},
                           "scenario",
                           "the base policy has no signing scenario " + std::to_string(f.scenario) +
                               ": it allows no " + (kernel ? "kernel-mode" : "user-mode") +
                               " file"});

    // Options that change the outcome.
    if (kernel && bp.options.has(bit::whql)) {
        bool whql = false;
        for (const pe::Signature* s : f.usable_signatures) whql = whql || s->whql;
        if (!whql)
            all.denies.push_back(option_finding(
                Effect::deny, base, bit::whql,
                "every driver must be WHQL-signed (EKU 1.3.6.1.4.1.311.10.3.5), and this one "
                "has no valid WHQL signature"));
    }
    if (bp.options.has(bit::ev_signers))
        d.notes.push_back(option_finding(Effect::ignored, base, bit::ev_signers,
                                         "set; Microsoft documents it as not currently "
                                         "supported, so it does not change the outcome"));
    if (!kernel && bp.options.has(bit::revoked_expired_as_unsigned)) {
        // Only signer rules depend on revocation; an allow by hash or name stands.
        std::vector<Finding> kept;
        for (auto& a : all.allows) {
            if (a.kind == "AllowedSigner") {
                a.effect = Effect::undecidable;
                a.why +=
                    "; Enabled:Revoked Expired As Unsigned: whether the certificate is "
                    "revoked is known only on the machine";
                all.maybe_allows.push_back(std::move(a));
            } else {
                kept.push_back(std::move(a));
            }
        }
        all.allows = std::move(kept);
    }
    if (!kernel && all.allows.empty()) {
        for (std::uint32_t b : {bit::intelligent_security_graph, bit::managed_installer})
            if (bp.options.has(b))
                all.maybe_allows.push_back(option_finding(
                    Effect::undecidable, base, b,
                    b == bit::managed_installer
                        ? "set: a file installed by a managed installer runs; how it was "
                          "installed is known only on the machine"
                        : "set: a file with a good reputation in Microsoft's Intelligent "
                          "Security Graph runs; that is known only online, on the machine"));
    }

    if (!all.denies.empty()) {
        d.verdict = Verdict::blocked;
        d.summary = "denied by " + first_rule(all.denies) + " (explicit deny wins over allow)";
        append(d.deciding, all.denies);
        append(d.notes, all.allows);
    } else if (!all.allows.empty() && all.maybe_denies.empty()) {
        d.verdict = Verdict::allowed;
        d.summary = "allowed by " + first_rule(all.allows);
        append(d.deciding, all.allows);
    } else if (!all.allows.empty() || !all.maybe_allows.empty()) {
        d.verdict = Verdict::undecided;
        if (!all.maybe_denies.empty()) {
            d.summary = "cannot be decided offline: " + first_rule(all.maybe_denies) +
                        " may deny it on the machine";
            append(d.deciding, all.maybe_denies);
            append(d.notes, all.allows);
        } else {
            d.summary = "cannot be decided offline: no rule allows it for certain; " +
                        first_rule(all.maybe_allows) + " may allow it on the machine";
        }
        append(d.deciding, all.maybe_allows);
    } else {
        d.verdict = Verdict::blocked;
        d.summary = "no allow rule matched in signing scenario " + std::to_string(f.scenario) +
                    (kernel ? " (kernel mode)" : " (user mode)");
        append(d.notes, all.maybe_denies);
    }
    append(d.notes, all.notes);

    if (d.verdict != Verdict::allowed && bp.options.has(bit::audit_mode)) {
        d.notes.push_back(option_finding(Effect::allow, base, bit::audit_mode,
                                         "set: Windows logs the file and runs it (" +
                                             std::string(verdict_text(d.verdict)) +
                                             " under enforcement)"));
        d.summary = "runs only because the policy is in audit mode: " + d.summary;
        d.verdict = Verdict::audit_only;
    }
    return d;
}

std::string_view verdict_text(Verdict v) {
    switch (v) {
        case Verdict::allowed:
            return "allowed";
        case Verdict::blocked:
            return "blocked";
        case Verdict::audit_only:
            return "audit-only";
        case Verdict::undecided:
            return "undecided";
    }
    return "blocked";
}

std::string_view effect_text(Effect e) {
    switch (e) {
        case Effect::deny:
            return "deny";
        case Effect::allow:
            return "allow";
        case Effect::undecidable:
            return "undecidable";
        case Effect::ignored:
            return "ignored";
    }
    return "ignored";
}

}  // namespace cipolicy::check
