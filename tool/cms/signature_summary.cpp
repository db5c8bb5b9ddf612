#include "cms/signature_summary.hpp"

#include "cms/signed_policy.hpp"
#include "cms/signed_policy_reader.hpp"
#include "cms/signer_certificate.hpp"

namespace cipolicy::cms {

SignatureSummary summarize_signature(ByteView data, const std::string& source) {
    SignedPolicyView v = read_signed_policy(data, source);
    SignatureSummary s;
    s.signed_data_version = v.version;
    for (auto der : v.certificates)
        s.certificates.push_back(crypto::Certificate::from_der(der, source));
    if (v.signers.empty()) return s;
    const SignerInfoView& si = v.signers.front();
    s.has_signer_info = true;
    auto alg = crypto::digest_from_oid(si.digest_algorithm.oid);
    s.digest = alg ? std::string(crypto::digest_name(*alg)) : si.digest_algorithm.oid;
    if (const crypto::Certificate* c = find_signer_certificate(si, s.certificates)) s.signer = *c;
    for (const auto& a : si.unsigned_attributes) s.unsigned_attributes.push_back(a.oid);
    s.has_timestamp = has_attribute(si.unsigned_attributes, kTimestampAttrOid);
    return s;
}

}  // namespace cipolicy::cms
