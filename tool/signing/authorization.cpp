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

// A failed finding (or option 6's warning): a refusal, or with its override a warning.
void refuse_or_warn(const verify::Finding& f, const std::string& source,
                    const SignSettings& settings, std::vector<Warning>& warnings) {
    bool unsigned_option = f.check == "unsigned-option";
    bool allowed =
        unsigned_option ? settings.allow_unsigned_option : settings.allow_unauthorized_signer;
    const std::string flag = setting_name(unsigned_option ? "sign.allow-unsigned-option"
                                                          : "sign.allow-unauthorized-signer");
    const std::string consequence =
        unsigned_option ? "its signature will not protect it" : "Windows will not accept it";
    if (!allowed)
        throw Error(ExitCode::refused, source + ": " + f.message + " (" + flag +
                                           " signs anyway, but " + consequence + ")");
    warnings.push_back(
        {unsigned_option ? WarningCode::unsigned_option : WarningCode::unauthorized_signer,
         source + ": " + f.message + "; signed anyway (" + flag + "): " + consequence});
}

// The root goes into the file when the policy names it, or for a supplemental policy, whose
// base (not known here) may name it: Windows cannot match a root the file leaves out.
bool carries_root(const policy::Policy& p, const std::vector<crypto::Certificate>& chain) {
    if (chain.size() < 2 || !chain.back().is_self_issued()) return false;
    if (p.is_supplemental()) return true;
    try {
        auto at = verify::authorized_position(policy::update_policy_signers(p), chain);
        return at && *at == chain.size() - 1;
    } catch (const Error&) {
        return false;  // unreadable signers: check_signer_authorization reports them
    }
}

// The policy-rule findings for the chain the file will carry, split into the two overridable
// refusals.
void enforce_policy_rules(const policy::Policy& p, bool chain_complete, const std::string& source,
                          const SignSettings& settings, Authorization& out) {
    verify::SigningChain chain{out.carried, {}, chain_complete};
    if (out.carried.size() < out.chain.size()) chain.beyond.push_back(out.chain.back());
    for (const verify::Finding& f :
         verify::check_signer_authorization(p, out.chain.front(), chain, std::nullopt)) {
        if (f.status == verify::CheckStatus::pass)
            out.details.push_back(source + ": authorization checked: " + f.message);
        else if (f.status == verify::CheckStatus::warn && f.check == "shared-root")
            out.warnings.push_back({WarningCode::shared_root, source + ": " + f.message});
        else if (f.status == verify::CheckStatus::fail || f.check == "unsigned-option")
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
    out.carried = crypto::without_root(out.chain);
    if (carries_root(policy, out.chain)) {
        out.carried = out.chain;
        out.details.push_back(source + ": the root '" + out.chain.back().common_name() +
                              "' goes into the file: the policy names it, and Windows matches "
                              "signer rules only against the certificates the file carries");
    }
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
