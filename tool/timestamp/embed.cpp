#include "timestamp/embed.hpp"

#include "asn1/der.hpp"
#include "cms/signed_policy_parts.hpp"
#include "core/error.hpp"

namespace cipolicy::timestamp {

Bytes with_timestamp(ByteView signed_file, ByteView token, const std::string& source) {
    cms::SignedPolicyView v = cms::read_signed_policy(signed_file, source);
    cms::SignedPolicyParts parts = cms::parts_of(v, source);
    Bytes original(signed_file.begin(), signed_file.end());
    if (cms::encode_signed_policy(parts) != original)
        throw Error(ExitCode::input,
                    source +
                        ": not in signtool's layout, so it cannot be timestamped without "
                        "changing it; sign the policy again with cipolicy");
    parts.unsigned_attributes.clear();
    for (const auto& a : v.signers.front().unsigned_attributes)
        if (a.oid != kTimestampAttributeOid && a.oid != kCounterSignatureOid)
            parts.unsigned_attributes.emplace_back(a.raw.begin(), a.raw.end());
    parts.unsigned_attributes.push_back(asn1::sequence(
        {asn1::oid(kTimestampAttributeOid), asn1::set_of({Bytes(token.begin(), token.end())})}));
    return cms::encode_signed_policy(parts);
}

Bytes signature_value(ByteView signed_file, const std::string& source) {
    cms::SignedPolicyView v = cms::read_signed_policy(signed_file, source);
    if (v.signers.size() != 1)
        throw Error(ExitCode::input, source + ": not a signed policy with one signer");
    ByteView sig = v.signers.front().signature;
    return Bytes(sig.begin(), sig.end());
}

}  // namespace cipolicy::timestamp
