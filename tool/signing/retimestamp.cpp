#include "signing/retimestamp.hpp"

#include <algorithm>

#include "cms/signed_policy_parts.hpp"
#include "cms/signer_certificate.hpp"
#include "core/error.hpp"
#include "signing/sign_policy.hpp"
#include "timestamp/embed.hpp"

namespace cipolicy::signing {

// The file as the encoder would write it if only the certificate SET were reordered: files that
// cipolicy signed before it sorted that SET list the chain in order, and sorting it changes no
// signed byte.
static Bytes with_sorted_certificates(ByteView data, const cms::SignedPolicyView& v) {
    Bytes out(data.begin(), data.end());
    if (v.certificates.empty()) return out;
    std::vector<Bytes> sorted;
    for (auto c : v.certificates) sorted.emplace_back(c.begin(), c.end());
    std::sort(sorted.begin(), sorted.end());
    // The reader's views lie back to back inside the certificates [0].
    auto at = static_cast<std::size_t>(v.certificates.front().data() - data.data());
    for (const auto& c : sorted) {
        if (at + c.size() > out.size()) return Bytes(data.begin(), data.end());
        std::copy(c.begin(), c.end(), out.begin() + static_cast<std::ptrdiff_t>(at));
        at += c.size();
    }
    return out;
}

SignedParts read_signed_parts(ByteView data, const std::string& source) {
    // Timestamp only what is validly signed: a token cannot repair a broken signature.
    verify::VerifyOptions check;
    check.check_file_name = false;
    for (const auto& f : verify::verify_signed_policy(data, source, check).findings)
        if (f.status == verify::CheckStatus::fail &&
            (f.area == verify::CheckArea::structure || f.area == verify::CheckArea::signature))
            throw Error(ExitCode::input, source + ": not a validly signed policy: " + f.message);

    cms::SignedPolicyView v = cms::read_signed_policy(data, source);
    cms::SignedPolicyParts parts = cms::parts_of(v, source);
    if (cms::encode_signed_policy(parts) != with_sorted_certificates(data, v))
        throw Error(ExitCode::input,
                    source +
                        ": not in signtool's layout, so it cannot be timestamped without "
                        "changing it; sign the policy again with cipolicy");
    std::vector<crypto::Certificate> certs;
    for (auto der : v.certificates) certs.push_back(crypto::Certificate::from_der(der, source));
    const crypto::Certificate* signer = cms::find_signer_certificate(v.signers.front(), certs);
    if (!signer)
        throw Error(ExitCode::input, source + ": the signer certificate is not in the file");
    return {std::move(parts), *signer};
}

Retimestamped retimestamp(ByteView data, const std::string& source, timestamp::TsaClient& client,
                          const Detail& detail) {
    SignedParts parts = read_signed_parts(data, source);
    timestamp::TokenInfo token = timestamp::stamp(parts.cms, parts.signer, client);
    report_detail(detail, source + ": timestamp " + token.time + " from " + token.url);
    SelfCheck check{{}, ExitCode::timestamp, "the timestamped file"};
    check.options.timestamp_roots = client.options().roots;
    return {encode_verified(parts, check, source, detail), token.time};
}

}  // namespace cipolicy::signing
