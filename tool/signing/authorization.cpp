#include "signing/authorization.hpp"

#include "core/setting_name.hpp"
#include "crypto/chain.hpp"
#include "verify/signer_authorization.hpp"

namespace cipolicy::signing {

namespace {

std::string chain_text(const std::vector<crypto::Certificate>& chain) {
    std::string out;
    for (const auto& c : chain) out += (out.empty() ? "'" : " -> '") + c.common_name() + "'";
    return out;
}

// A failed finding: a refusal, or with its override a warning.
void refuse_or_warn(const verify::Finding& f, const std::string& source,
                    const SignSettings& settings, std::vector<Warning>& warnings) {
    bool unsigned_option = f.check == "unsigned-option";
    bool allowed =
        unsigned_option ? settings.allow_unsigned_option : settings.allow_unauthorized_signer;
    const std::string flag = setting_name(unsigned_option ? "sign.allow-unsigned-option"
                                                          : "sign.allow-unauthorized-signer");
    if (!allowed)
        throw Error(ExitCode::refused, source + ": " + f.message + " (" + flag +
                                           " signs anyway, but Windows will not accept it)");
    warnings.push_back(
        {unsigned_option ? WarningCode::unsigned_option : WarningCode::unauthorized_signer,
         source + ": " + f.message + "; signed anyway (" + flag +
             "): Windows will not accept this policy"});
}

// The policy-rule findings for `chain`, split into the two overridable refusals. A chain that
// stops below its root gets a warning where the missing root could have been the one named.
void enforce_policy_rules(const policy::Policy& p, bool chain_complete, const std::string& source,
                          const SignSettings& settings, Authorization& out) {
    const auto& chain = out.chain;
    for (const verify::Finding& f : verify::check_signer_authorization(
             p, chain.front(), chain, std::nullopt, chain_complete)) {
        if (f.status == verify::CheckStatus::pass)
            out.details.push_back(source + ": authorization checked: " + f.message);
        if (f.status == verify::CheckStatus::warn && f.check == "shared-root")
            out.warnings.push_back({WarningCode::shared_root, source + ": " + f.message});
        else if (f.status == verify::CheckStatus::warn)
            out.warnings.push_back(
                {WarningCode::unchecked_signer,
                 source + ": " + f.message + "; signed anyway (give the root with " +
                     setting_name("local.root") + " FILE to make the check complete)"});
        else if (f.status == verify::CheckStatus::fail)
            refuse_or_warn(f, source, settings, out.warnings);
    }
}

}  // namespace

Authorization authorize_chain(const policy::Policy& policy,
                              const std::vector<crypto::Certificate>& chain, const Signer& signer,
                              const SignSettings& settings, const std::string& source) {
    std::vector<crypto::Certificate> pool = chain;
    for (const auto& anchor : signer.trust_anchors()) pool.push_back(anchor);
    for (const auto& root : settings.roots) pool.push_back(root);
    Authorization out;
    out.chain = crypto::order_chain(chain.front(), pool);
    bool complete = out.chain.back().is_self_issued();
    out.details.push_back(source + ": chain ordered: " + chain_text(out.chain) +
                          (complete ? "" : " (stops below its root)"));
    if (!complete && !settings.roots.empty())
        throw Error(ExitCode::key, source + ": the signing chain " + chain_text(out.chain) +
                                       " does not reach the given root: the issuer '" +
                                       out.chain.back().issuer() + "' of '" +
                                       out.chain.back().common_name() + "' is missing (check " +
                                       setting_name("local.root") + ", and " +
                                       setting_name("local.chain") + " or the PFX)");
    enforce_policy_rules(policy, complete, source, settings, out);
    return out;
}

void refuse_for_any_chain(const policy::Policy& policy, const SignSettings& settings,
                          const std::string& source) {
    // Only the throw matters here: authorize_chain repeats an overridden finding's warning.
    std::vector<Warning> ignored;
    for (const verify::Finding& f : verify::chain_independent_failures(policy))
        refuse_or_warn(f, source, settings, ignored);
}

}  // namespace cipolicy::signing
