#include "verify/signer_authorization.hpp"

#include <algorithm>

#include "asn1/der.hpp"
#include "core/error.hpp"
#include "core/setting_name.hpp"
#include "policy/options.hpp"

namespace cipolicy::verify {

std::string eku_oid_text(const Bytes& value) {
    try {
        Bytes oid = policy::eku_value_to_oid_der(value);
        return asn1::oid_text(ByteView(oid).subspan(2));
    } catch (const Error&) {
        return "(malformed EKU " + to_hex(value) + ")";
    }
}

namespace {

using policy::AuthorizedSigner;

struct Match {
    const AuthorizedSigner* signer = nullptr;
    const crypto::Certificate* cert = nullptr;
};

std::optional<Match> find_match(const std::vector<AuthorizedSigner>& signers,
                                const std::vector<crypto::Certificate>& chain) {
    for (const auto& cert : chain) {
        Bytes tbs;
        try {
            tbs = cert.tbs_hash();
        } catch (const Error&) {
            continue;
        }
        for (const auto& s : signers) {
            const auto* root = std::get_if<policy::TbsRoot>(&s.signer.root);
            if (root && root->tbs_hash == tbs) return Match{&s, &cert};
        }
    }
    return std::nullopt;
}

std::vector<std::string> missing_ekus(const AuthorizedSigner& s, const crypto::Certificate& leaf) {
    std::vector<std::string> have = leaf.eku_oids(), missing;
    for (const auto& value : s.eku_values) {
        std::string oid = eku_oid_text(value);
        if (std::find(have.begin(), have.end(), oid) == have.end()) missing.push_back(oid);
    }
    return missing;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}

Finding no_signers(const std::string& check, const std::string& list_name,
                   const std::string& add_hint) {
    return {CheckArea::policy, CheckStatus::fail, check,
            "the policy has no " + list_name + ", so no signature can authorize it; " + add_hint};
}

std::string update_hint() {
    return "add the signing root (or certificate) with cipolicy add-signer POLICY.xml --cert "
           "ROOT.cer --update (Add-SignerRule -Update), then compile and sign again";
}

// How a file that leaves out the authorized certificate is fixed.
std::string carry_hint() {
    return "Windows matches signer rules only against the certificates the signature carries "
           "(it has no " +
           setting_name("verify.root") + "), so it will not accept this file; sign it again with " +
           "cipolicy sign " + setting_name("local.root") +
           " ROOT.cer, which carries the certificate the policy names (signtool: /ac ROOT.cer)";
}

// Windows loads a signed policy that keeps option 6 (Microsoft's own driver policy and IoT kit
// audit policies do), but the option lets an unsigned policy replace it: the signature protects
// nothing. A warning here; `sign` refuses it unless told otherwise.
Finding unsigned_option_finding(const policy::Policy& policy) {
    if (policy.is_unsigned_policy_allowed())
        return {CheckArea::policy, CheckStatus::warn, "unsigned-option",
                "the policy still has rule option 6 'Enabled:Unsigned System Integrity Policy': "
                "Windows loads it, but the option lets anyone who can write the policy file "
                "replace it with an unsigned policy, so the signature does not protect it "
                "(remove it with cipolicy set-option POLICY.xml --remove 6, then compile again; "
                "Set-RuleOption -Option 6 -Delete in PowerShell)"};
    return {CheckArea::policy, CheckStatus::pass, "unsigned-option",
            "rule option 6 (Unsigned System Integrity Policy) is cleared"};
}

std::string subjects(const std::vector<crypto::Certificate>& chain) {
    std::vector<std::string> names;
    for (const auto& c : chain) names.push_back("'" + c.common_name() + "'");
    return join(names);
}

// One signer list (update or supplemental) against the chain.
Finding check_list(const std::vector<AuthorizedSigner>& signers, const crypto::Certificate& leaf,
                   const SigningChain& chain, const std::string& check,
                   const std::string& list_name, const std::string& add_hint) {
    if (signers.empty()) return no_signers(check, list_name, add_hint);
    auto match = find_match(signers, chain.carried);
    if (!match) {
        if (auto outside = find_match(signers, chain.beyond))
            return {CheckArea::chain, CheckStatus::fail, check,
                    list_name + " signer #" + std::to_string(outside->signer->index) + " names '" +
                        outside->cert->common_name() +
                        "', which this file does not carry (it carries " + subjects(chain.carried) +
                        "): " + carry_hint()};
        const crypto::Certificate& top =
            chain.beyond.empty() ? chain.carried.back() : chain.beyond.back();
        if (!chain.complete)
            return {CheckArea::chain, CheckStatus::fail, check,
                    "none of the " + std::to_string(signers.size()) + " " + list_name +
                        " names a certificate of the signing chain (" + subjects(chain.carried) +
                        "), which stops below its root: if the policy "
                        "names the missing issuer '" +
                        top.issuer() + "' of '" + top.common_name() + "', " + carry_hint()};
        std::vector<crypto::Certificate> all = chain.carried;
        all.insert(all.end(), chain.beyond.begin(), chain.beyond.end());
        return {CheckArea::policy, CheckStatus::fail, check,
                "none of the " + std::to_string(signers.size()) + " " + list_name +
                    " matches a certificate of the signing chain (" + subjects(all) +
                    ") by TBS hash; " + add_hint};
    }
    auto missing = missing_ekus(*match->signer, leaf);
    if (!missing.empty())
        return {CheckArea::policy, CheckStatus::fail, check,
                list_name + " signer #" + std::to_string(match->signer->index) + " matches '" +
                    match->cert->common_name() + "' but requires EKU " + join(missing) +
                    ", which the signing certificate '" + leaf.common_name() + "' lacks"};
    return {CheckArea::policy, CheckStatus::pass, check,
            list_name + " signer #" + std::to_string(match->signer->index) + " authorizes '" +
                match->cert->common_name() + "' (TBS " + to_hex(match->cert->tbs_hash()) +
                "), which the file carries"};
}

// Roots that issue to many customers: a signer rule naming one of them without a CertEKU lets
// every customer's certificate sign. Microsoft's Trusted Signing (Artifact Signing) root by name;
// any root above a leaf with a Trusted Signing customer EKU (1.3.6.1.4.1.311.97.*) by that EKU.
bool is_shared_root(const crypto::Certificate& matched, const crypto::Certificate& leaf) {
    if (matched.der() == leaf.der()) return false;
    if (matched.common_name() == "Microsoft Identity Verification Root Certificate Authority 2020")
        return true;
    const auto ekus = leaf.eku_oids();
    return std::any_of(ekus.begin(), ekus.end(), [](const std::string& oid) {
        return oid.rfind("1.3.6.1.4.1.311.97.", 0) == 0;
    });
}

// A warning when the list authorizes the chain through a shared root with no CertEKU.
std::optional<Finding> shared_root_finding(const std::vector<AuthorizedSigner>& signers,
                                           const crypto::Certificate& leaf,
                                           const SigningChain& chain, const std::string& list_name,
                                           const std::string& flag) {
    std::vector<crypto::Certificate> all = chain.carried;
    all.insert(all.end(), chain.beyond.begin(), chain.beyond.end());
    auto match = find_match(signers, all);
    if (!match || !match->signer->eku_values.empty() || !is_shared_root(*match->cert, leaf))
        return std::nullopt;
    return Finding{CheckArea::policy, CheckStatus::warn, "shared-root",
                   list_name + " signer #" + std::to_string(match->signer->index) + " trusts '" +
                       match->cert->common_name() +
                       "' without a CertEKU: that root issues certificates to many Trusted "
                       "Signing customers, so any of them can sign this policy; add your "
                       "profile's root and customer EKU with cipolicy add-signer POLICY.xml "
                       "--metadata metadata.json " +
                       flag + " and remove the EKU-less signer"};
}

// The supplemental policy against its base: the base must name it, allow supplementals, and
// authorize its signer.
void check_against_base(const policy::Policy& policy, const crypto::Certificate& leaf,
                        const SigningChain& chain, const policy::Policy& base,
                        std::vector<Finding>& out) {
    if (base.policy_id() != policy.base_policy_id()) {
        out.push_back({CheckArea::policy, CheckStatus::fail, "supplemental-signers",
                       "the policy extends base " + policy.base_policy_id().to_string() + ", but " +
                           setting_name("verify.base") + " is " + base.policy_id().to_string()});
        return;
    }
    // Windows loads no supplemental policy of a base without option 17, however it is signed.
    if (!base.options.has(policy::option_bit::allow_supplemental_policies))
        out.push_back({CheckArea::policy, CheckStatus::fail, "allow-supplemental",
                       "the base policy " + base.policy_id().to_string() +
                           " lacks rule option 17 'Enabled:Allow Supplemental Policies', so "
                           "Windows ignores every supplemental policy of it, this one included; "
                           "add it with cipolicy set-option BASE.xml --add 17 (Set-RuleOption "
                           "-Option 17), then compile, sign and deploy the base again"});
    else
        out.push_back({CheckArea::policy, CheckStatus::pass, "allow-supplemental",
                       "the base policy allows supplemental policies (option 17)"});
    const auto supplemental = policy::supplemental_policy_signers(base);
    out.push_back(check_list(supplemental, leaf, chain, "supplemental-signers",
                             "base SupplementalPolicySigners",
                             "add the signer to the base with cipolicy add-signer BASE.xml --cert "
                             "CERT.cer --supplemental (Add-SignerRule -Supplemental)"));
    if (auto shared = shared_root_finding(supplemental, leaf, chain,
                                          "base SupplementalPolicySigners", "--supplemental"))
        out.push_back(std::move(*shared));
}

}  // namespace

std::optional<std::size_t> authorized_position(const std::vector<AuthorizedSigner>& signers,
                                               const std::vector<crypto::Certificate>& chain) {
    auto match = find_match(signers, chain);
    if (!match) return std::nullopt;
    return static_cast<std::size_t>(match->cert - chain.data());
}

std::vector<Finding> check_signer_authorization(const policy::Policy& policy,
                                                const crypto::Certificate& leaf,
                                                const SigningChain& chain,
                                                const std::optional<policy::Policy>& base) {
    std::vector<Finding> out{unsigned_option_finding(policy)};
    std::vector<AuthorizedSigner> update;
    try {
        update = policy::update_policy_signers(policy);
    } catch (const Error& e) {
        out.push_back({CheckArea::policy, CheckStatus::fail, "update-signers", e.what()});
        return out;
    }
    out.push_back(
        check_list(update, leaf, chain, "update-signers", "UpdatePolicySigners", update_hint()));
    if (auto shared = shared_root_finding(update, leaf, chain, "UpdatePolicySigners", "--update"))
        out.push_back(std::move(*shared));

    if (policy.is_supplemental()) {
        if (!base)
            out.push_back({CheckArea::policy, CheckStatus::info, "supplemental-signers",
                           "supplemental policy: pass " + setting_name("verify.base") +
                               " to check the base policy's SupplementalPolicySigners"});
        else
            check_against_base(policy, leaf, chain, *base, out);
    }
    return out;
}

std::vector<Finding> chain_independent_failures(const policy::Policy& policy) {
    std::vector<Finding> out;
    if (Finding f = unsigned_option_finding(policy); f.status != CheckStatus::pass)
        out.push_back(std::move(f));
    try {
        if (policy::update_policy_signers(policy).empty())
            out.push_back(no_signers("update-signers", "UpdatePolicySigners", update_hint()));
    } catch (const Error& e) {
        out.push_back({CheckArea::policy, CheckStatus::fail, "update-signers", e.what()});
    }
    return out;
}

bool is_authorization_finding(const Finding& f) {
    return f.area == CheckArea::policy || f.check == "update-signers" ||
           f.check == "supplemental-signers";
}

}  // namespace cipolicy::verify
