#include "signing/sign_policy.hpp"

#include "cms/file_kind.hpp"
#include "cms/signed_policy.hpp"
#include "cms/signed_policy_reader.hpp"
#include "core/error.hpp"
#include "crypto/chain.hpp"
#include "policy/binary_reader.hpp"
#include "timestamp/embed.hpp"
#include "verify/signer_authorization.hpp"
#include "verify/verifier.hpp"

namespace cipolicy {

namespace {

std::string chain_text(const std::vector<Certificate>& chain) {
    std::string out;
    for (const auto& c : chain) out += (out.empty() ? "'" : " -> '") + c.common_name() + "'";
    return out;
}

// The policy-rule findings for `chain`, split into the two overridable refusals. A chain that
// stops below its root gets a warning where the missing root could have been the one named.
void enforce_policy_rules(const policy::Policy& p, const std::vector<Certificate>& chain,
                          bool chain_complete, const std::string& source,
                          const SignSettings& settings, std::vector<Warning>& warnings) {
    for (const Finding& f :
         check_signer_authorization(p, chain.front(), chain, std::nullopt, chain_complete)) {
        if (f.status == CheckStatus::pass && settings.detail)
            settings.detail(source + ": authorization checked: " + f.message);
        if (f.status == CheckStatus::warn && f.check == "shared-root") {
            warnings.push_back({WarningCode::shared_root, source + ": " + f.message});
            continue;
        }
        if (f.status == CheckStatus::warn) {
            warnings.push_back({WarningCode::unchecked_signer,
                                source + ": " + f.message +
                                    "; signed anyway (give the root with --root FILE to make "
                                    "the check complete)"});
            continue;
        }
        if (f.status != CheckStatus::fail) continue;
        bool unsigned_option = f.check == "unsigned-option";
        bool allowed =
            unsigned_option ? settings.allow_unsigned_option : settings.allow_unauthorized_signer;
        const char* flag =
            unsigned_option ? "--allow-unsigned-option" : "--allow-unauthorized-signer";
        if (!allowed)
            throw Error(ExitCode::refused, source + ": " + f.message + " (" + flag +
                                               " signs anyway, but Windows will not accept it)");
        warnings.push_back(
            {unsigned_option ? WarningCode::unsigned_option : WarningCode::unauthorized_signer,
             source + ": " + f.message + "; signed anyway (" + flag +
                 "): Windows will not accept this policy"});
    }
}

void add_timestamp(SignedPolicy& out, const Certificate& leaf, const std::string& source,
                   const SignSettings& settings) {
    try {
        Bytes signature = timestamp::signature_value(out.bytes, source);
        timestamp::TokenInfo token = settings.timestamper->timestamp(signature, leaf);
        out.bytes = timestamp::with_timestamp(out.bytes, token.token, source);
        if (settings.detail)
            settings.detail(source + ": timestamp " + token.time + " from " + token.url);
    } catch (const Error& e) {
        // In a batch every file may fail the same way: each line names its file.
        std::string what = e.what();
        if (what.rfind(source + ": ", 0) != 0) what = source + ": " + what;
        if (e.code() != ExitCode::timestamp || !settings.timestamp_optional)
            throw Error(e.code(), what);
        out.warnings.push_back({WarningCode::timestamp,
                                source + ": signed without a timestamp (--timestamp-optional): " +
                                    what.substr(source.size() + 2)});
    }
}

}  // namespace

policy::Policy check_signable_input(ByteView input, const std::string& source) {
    if (cms::looks_like_xml(input))
        throw Error(ExitCode::input, source +
                                         ": this is policy XML; compile it to a binary first "
                                         "with cipolicy compile (ConvertFrom-CIPolicy on Windows)");
    if (cms::looks_like_signed_data(input))
        throw Error(ExitCode::refused,
                    source + ": already signed; sign the unsigned policy binary instead");
    try {
        return policy::read_policy_binary(input);
    } catch (const Error& e) {
        throw Error(ExitCode::input, source + ": not a CI policy binary: " + e.what());
    }
}

SignedPolicy sign_policy(ByteView input, const std::string& source, Signer& signer,
                         const SignSettings& settings) {
    SignedPolicy out{{}, check_signable_input(input, source), {}};
    if (settings.digest != DigestAlgorithm::sha256)
        out.warnings.push_back({WarningCode::digest,
                                std::string(digest_name(settings.digest)) +
                                    " signatures are accepted only by Windows 11, and Windows 10 / "
                                    "Server 2019 or later with the November 2022 update"});

    Bytes to_sign = cms::signed_attributes(settings.digest, input);
    SignatureResult signature = signer.sign_digest(settings.digest, hash(settings.digest, to_sign));
    if (signature.chain.empty())
        throw Error(ExitCode::service, "the signer returned no certificate");

    if (settings.detail)
        settings.detail(source + ": signed by " + signer.describe() + ", " +
                        std::to_string(signature.chain.size()) + " certificate(s) returned");

    std::vector<Certificate> pool = signature.chain;
    for (const auto& anchor : signer.trust_anchors()) pool.push_back(anchor);
    for (const auto& root : settings.roots) pool.push_back(root);
    std::vector<Certificate> chain = order_chain(signature.chain.front(), pool);
    bool complete = chain.back().is_self_issued();
    if (settings.detail)
        settings.detail(source + ": chain ordered: " + chain_text(chain) +
                        (complete ? "" : " (stops below its root)"));
    if (!complete && !settings.roots.empty())
        throw Error(ExitCode::key, source + ": the signing chain " + chain_text(chain) +
                                       " does not reach the given root: the issuer '" +
                                       chain.back().issuer() + "' of '" +
                                       chain.back().common_name() +
                                       "' is missing (check --root, and --chain or the PFX)");
    enforce_policy_rules(out.policy, chain, complete, source, settings, out.warnings);

    const Certificate& leaf = chain.front();
    cms::SignedPolicyParts parts;
    parts.digest = settings.digest;
    parts.content = input;
    for (const auto& c : without_root(chain)) parts.certificates.push_back(c.der());
    parts.issuer_name = leaf.issuer_name_der();
    parts.serial = leaf.serial_der();
    parts.signature = std::move(signature.signature);
    out.bytes = cms::encode_signed_policy(parts);
    if (settings.timestamper) add_timestamp(out, leaf, source, settings);

    // Verify what we made exactly as a user's `verify` would, before it can be written.
    VerifyOptions check;
    check.roots = signer.trust_anchors();
    for (const auto& root : settings.roots) check.roots.push_back(root);
    if (settings.timestamper) check.timestamp_roots = settings.timestamper->options().roots;
    check.check_file_name = false;
    VerifyReport report = verify_signed_policy(out.bytes, source, check);
    for (const auto& f : report.findings) {
        bool structural = f.area != CheckArea::policy && f.area != CheckArea::file_name;
        if (structural && f.status == CheckStatus::fail)
            throw Error(ExitCode::key,
                        source + ": the signed result does not verify: " + f.message);
    }
    if (settings.detail) settings.detail(source + ": the signed result verifies");
    return out;
}

}  // namespace cipolicy
