#include "signing/sign_policy.hpp"

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

bool looks_like_xml(ByteView data) {
    std::size_t i = 0;
    if (data.size() >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) i = 3;
    if (data.size() >= 2 &&
        ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF)))
        return true;  // UTF-16 text: PowerShell's default encoding for policy XML
    while (i < data.size() &&
           (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        ++i;
    return i < data.size() && data[i] == '<';
}

// The policy-rule findings for `chain`, split into the two overridable refusals.
void enforce_policy_rules(const policy::Policy& p, const std::vector<Certificate>& chain,
                          const std::string& source, const SignSettings& settings,
                          std::vector<Warning>& warnings) {
    for (const Finding& f : check_signer_authorization(p, chain.front(), chain, std::nullopt)) {
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
    } catch (const Error& e) {
        if (e.code() != ExitCode::timestamp || !settings.timestamp_optional) throw;
        out.warnings.push_back(
            {WarningCode::timestamp,
             source + ": signed without a timestamp (--timestamp-optional): " + e.what()});
    }
}

}  // namespace

policy::Policy check_signable_input(ByteView input, const std::string& source) {
    if (looks_like_xml(input))
        throw Error(ExitCode::input, source +
                                         ": this is policy XML; compile it to a binary first "
                                         "(ConvertFrom-CIPolicy on Windows)");
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

    std::vector<Certificate> pool = signature.chain;
    for (const auto& anchor : signer.trust_anchors()) pool.push_back(anchor);
    std::vector<Certificate> chain = order_chain(signature.chain.front(), pool);
    enforce_policy_rules(out.policy, chain, source, settings, out.warnings);

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
    if (settings.timestamper) check.timestamp_roots = settings.timestamper->options().roots;
    check.check_file_name = false;
    VerifyReport report = verify_signed_policy(out.bytes, source, check);
    for (const auto& f : report.findings) {
        bool structural = f.area != CheckArea::policy && f.area != CheckArea::file_name;
        if (structural && f.status == CheckStatus::fail)
            throw Error(ExitCode::key,
                        source + ": the signed result does not verify: " + f.message);
    }
    return out;
}

}  // namespace cipolicy
