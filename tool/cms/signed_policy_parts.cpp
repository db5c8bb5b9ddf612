#include "cms/signed_policy_parts.hpp"

#include "core/error.hpp"

namespace cipolicy::cms {

SignedPolicyParts parts_of(const SignedPolicyView& v, const std::string& source) {
    if (v.signers.size() != 1 || !v.content || !v.signers.front().has_issuer_and_serial)
        throw Error(ExitCode::input, source + ": not a signed policy with one signer");
    const SignerInfoView& si = v.signers.front();
    auto digest = crypto::digest_from_oid(si.digest_algorithm.oid);
    if (!digest)
        throw Error(ExitCode::input, source + ": unknown digest " + si.digest_algorithm.oid);
    SignedPolicyParts parts;
    parts.digest = *digest;
    parts.content = *v.content;
    for (auto c : v.certificates) parts.certificates.emplace_back(c.begin(), c.end());
    parts.issuer_name.assign(si.issuer_name.begin(), si.issuer_name.end());
    parts.serial.assign(si.serial.begin(), si.serial.end());
    parts.signature.assign(si.signature.begin(), si.signature.end());
    for (const auto& a : si.unsigned_attributes)
        parts.unsigned_attributes.emplace_back(a.raw.begin(), a.raw.end());
    return parts;
}

}  // namespace cipolicy::cms
