#include "timestamp/embed.hpp"

#include <algorithm>

#include "asn1/der.hpp"
#include "cms/signed_policy_reader.hpp"

namespace cipolicy::timestamp {

void set_timestamp(cms::SignedPolicyParts& parts, ByteView token) {
    auto& attrs = parts.unsigned_attributes;
    attrs.erase(std::remove_if(attrs.begin(), attrs.end(),
                               [](const Bytes& raw) {
                                   auto oid = cms::attribute_oid(raw);
                                   return oid == cms::kTimestampAttrOid ||
                                          oid == cms::kCounterSignatureOid;
                               }),
                attrs.end());
    attrs.push_back(asn1::sequence(
        {asn1::oid(cms::kTimestampAttrOid), asn1::set_of({Bytes(token.begin(), token.end())})}));
}

TokenInfo stamp(cms::SignedPolicyParts& parts, const crypto::Certificate& signer,
                TsaClient& client) {
    TokenInfo token = client.timestamp(parts.signature, signer);
    set_timestamp(parts, token.token);
    return token;
}

}  // namespace cipolicy::timestamp
