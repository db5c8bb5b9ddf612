#include "policy/references.hpp"

#include <string>

#include "core/error.hpp"

namespace cipolicy::policy {
namespace {

void check(const std::vector<std::uint32_t>& indices, std::size_t size, const std::string& where,
           const char* table) {
    for (auto i : indices)
        if (i >= size)
            throw Error(ExitCode::input, "policy: " + where + " refers to " + table + " index " +
                                             std::to_string(i) + ", but there are only " +
                                             std::to_string(size));
}

template <typename Group>
void check_signers(const Group& g, const Policy& p, const std::string& where) {
    for (const auto& a : g.allowed) {
        check({a.signer}, p.signers.size(), where + " AllowedSigner", "signer");
        check(a.except_deny_rules, p.file_rules.size(), where + " ExceptDenyRule", "file rule");
    }
    for (const auto& d : g.denied) {
        check({d.signer}, p.signers.size(), where + " DeniedSigner", "signer");
        check(d.except_allow_rules, p.file_rules.size(), where + " ExceptAllowRule", "file rule");
    }
}

void check_group(const SignerGroup& g, const Policy& p, const std::string& where) {
    check_signers(g, p, where);
    check(g.file_rules_ref, p.file_rules.size(), where + " FileRulesRef", "file rule");
}

}  // namespace

void check_references(const Policy& p) {
    for (std::size_t i = 0; i < p.signers.size(); ++i) {
        const std::string where = "signer " + std::to_string(i);
        check(p.signers[i].cert_ekus, p.ekus.size(), where + " CertEKU", "EKU");
        check(p.signers[i].file_attrib_refs, p.file_rules.size(), where + " FileAttribRef",
              "file rule");
        check(p.signers[i].except_cert_ekus, p.ekus.size(), where + " CertEKU", "EKU");
        check(p.signers[i].artifact_rule_refs, p.artifact_rules.size(), where + " ArtifactRuleRef",
              "artifact rule");
    }
    for (const auto& h : p.hotpatch)
        check({h.base, h.target}, p.file_rules.size(), "RequireHotpatchID", "file rule");
    check(p.update_policy_signers, p.signers.size(), "UpdatePolicySigners", "signer");
    check(p.ci_signers, p.signers.size(), "CiSigners", "signer");
    check(p.supplemental_policy_signers, p.signers.size(), "SupplementalPolicySigners", "signer");
    for (std::size_t i = 0; i < p.signing_scenarios.size(); ++i) {
        const auto& s = p.signing_scenarios[i];
        const std::string where = "signing scenario " + std::to_string(i);
        check_group(s.product_signers, p, where + " ProductSigners");
        check_group(s.test_signers, p, where + " TestSigners");
        check_group(s.test_signing_signers, p, where + " TestSigningSigners");
        check_signers(s.artifact_signers, p, where + " ArtifactSigners");
        check(s.artifact_signers.artifact_rules_ref, p.artifact_rules.size(),
              where + " ArtifactRulesRef", "artifact rule");
    }
}

}  // namespace cipolicy::policy
