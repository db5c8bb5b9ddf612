#include "signing/sign_policy.hpp"

#include <optional>

#include "cms/file_kind.hpp"
#include "cms/signed_policy_reader.hpp"
#include "core/setting_name.hpp"
#include "crypto/chain.hpp"
#include "policy/binary_reader.hpp"
#include "signing/authorization.hpp"
#include "timestamp/embed.hpp"
#include "verify/signer_authorization.hpp"

namespace cipolicy::signing {

namespace {

bool same_chain(const std::vector<crypto::Certificate>& a,
                const std::vector<crypto::Certificate>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].der() != b[i].der()) return false;
    return true;
}

// The timestamp step of signing: an error names the file; with --timestamp-optional a failed
// timestamp is a warning and the policy stays without one.
void add_timestamp(SignedParts& parts, const std::string& source, const SignSettings& settings,
                   std::vector<Warning>& warnings) {
    try {
        timestamp::TokenInfo token =
            timestamp::stamp(parts.cms, parts.signer, *settings.timestamper);
        report_detail(settings.detail, source + ": timestamp " + token.time + " from " + token.url);
    } catch (const Error& e) {
        // In a batch every file may fail the same way: each line names its file.
        std::string what = e.what();
        if (what.rfind(source + ": ", 0) != 0) what = source + ": " + what;
        if (e.code() != ExitCode::timestamp || !settings.timestamp_optional)
            throw Error(e.code(), what);
        warnings.push_back({WarningCode::timestamp, source + ": signed without a timestamp (" +
                                                        setting_name("timestamp.optional") +
                                                        "): " + what.substr(source.size() + 2)});
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
        // A certificate, key or PFX given where the policy goes: say what it is, not which
        // "format version" its first bytes would be.
        const cms::FileKind kind = cms::identify_file(input);
        if (kind != cms::FileKind::unknown && kind != cms::FileKind::policy_binary)
            throw Error(ExitCode::input,
                        cms::wrong_kind_message(source, kind, "a policy binary to sign"));
        throw Error(ExitCode::input, source + ": not a CI policy binary: " + e.what());
    }
}

SignedParts sign_parts(ByteView input, const policy::Policy& policy, const std::string& source,
                       Signer& signer, const SignSettings& settings,
                       std::vector<Warning>& warnings) {
    // Before the signer is called: a policy that will be refused costs no signature.
    std::optional<std::vector<crypto::Certificate>> known = signer.known_chain();
    std::optional<Authorization> early;
    if (known && !known->empty())
        early = authorize_chain(policy, *known, signer, settings, source);
    else
        refuse_for_any_chain(policy, settings, source);

    Bytes to_sign = cms::signed_attributes(settings.digest, input);
    SignatureResult signature = signer.sign_digest(settings.digest, hash(settings.digest, to_sign));
    if (signature.chain.empty())
        throw Error(ExitCode::service, "the signer returned no certificate");
    report_detail(settings.detail, source + ": signed by " + signer.describe() + ", " +
                                       std::to_string(signature.chain.size()) +
                                       " certificate(s) returned");

    Authorization auth = early && same_chain(*known, signature.chain)
                             ? std::move(*early)
                             : authorize_chain(policy, signature.chain, signer, settings, source);
    for (const auto& line : auth.details) report_detail(settings.detail, line);
    for (auto& w : auth.warnings) warnings.push_back(std::move(w));

    const crypto::Certificate& leaf = auth.chain.front();
    cms::SignedPolicyParts parts;
    parts.digest = settings.digest;
    parts.content = input;
    for (const auto& c : auth.carried) parts.certificates.push_back(c.der());
    parts.issuer_name = leaf.issuer_name_der();
    parts.serial = leaf.serial_der();
    parts.signature = std::move(signature.signature);
    return {std::move(parts), leaf};
}

Bytes encode_verified(const SignedParts& parts, const SelfCheck& check, const std::string& source,
                      const Detail& detail) {
    Bytes bytes = cms::encode_signed_policy(parts.cms);
    verify::VerifyOptions options = check.options;
    options.check_file_name = false;
    verify::VerifyReport report = verify::verify_signed_policy(bytes, source, options);
    for (const auto& f : report.findings)
        if (!verify::is_authorization_finding(f) && f.status == verify::CheckStatus::fail)
            throw Error(check.code, source + ": " + check.what + " does not verify: " + f.message);
    report_detail(detail, source + ": " + check.what + " verifies");
    return bytes;
}

SignedPolicy sign_policy(ByteView input, const std::string& source, Signer& signer,
                         const SignSettings& settings) {
    SignedPolicy out{{}, check_signable_input(input, source), {}};
    if (settings.digest != crypto::DigestAlgorithm::sha256)
        out.warnings.push_back({WarningCode::digest,
                                std::string(crypto::digest_name(settings.digest)) +
                                    " signatures are accepted only by Windows 11, and Windows 10 / "
                                    "Server 2019 or later with the November 2022 update"});
    SignedParts parts = sign_parts(input, out.policy, source, signer, settings, out.warnings);
    if (settings.timestamper) add_timestamp(parts, source, settings, out.warnings);

    SelfCheck check{{}, ExitCode::key, "the signed result"};
    check.options.roots = signer.trust_anchors();
    for (const auto& root : settings.roots) check.options.roots.push_back(root);
    if (settings.timestamper) check.options.timestamp_roots = settings.timestamper->options().roots;
    out.bytes = encode_verified(parts, check, source, settings.detail);
    return out;
}

}  // namespace cipolicy::signing
