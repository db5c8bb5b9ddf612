#include "cms/signed_policy.hpp"

#include "cms/der.hpp"

namespace cipolicy::cms {

using der::Class;

static Bytes algorithm_with_null(std::string_view oid) {
    return der::sequence({der::oid(oid), der::null()});
}

Bytes signed_attributes(DigestAlgorithm digest, ByteView content) {
    Bytes content_type = der::sequence(
        {der::oid(kContentTypeAttrOid), der::set_of({der::oid(kCiPolicyContentOid)})});
    Bytes message_digest = der::sequence(
        {der::oid(kMessageDigestAttrOid), der::set_of({der::octet_string(hash(digest, content))})});
    return der::set_of({content_type, message_digest});
}

static Bytes retag(Bytes encoding, Class cls, int tag) {
    // Same length and contents, new identifier: an IMPLICIT tag on a constructed value.
    der::Reader r(encoding, "re-tag");
    auto e = r.next("element");
    return der::tlv(cls, tag, true, e.value);
}

Bytes encode_signed_policy(const SignedPolicyParts& parts) {
    Bytes digest_alg = algorithm_with_null(digest_oid(parts.digest));

    Bytes certificates;
    for (const auto& c : parts.certificates)
        certificates.insert(certificates.end(), c.begin(), c.end());

    Bytes attrs = retag(signed_attributes(parts.digest, parts.content), Class::context, 0);
    Bytes signer_info_body = der::concat({
        der::small_integer(1),
        der::sequence({parts.issuer_name, parts.serial}),
        digest_alg,
        attrs,
        algorithm_with_null(kRsaEncryptionOid),
        der::octet_string(parts.signature),
    });
    if (!parts.unsigned_attributes.empty()) {
        Bytes unsigned_set = der::set_of(parts.unsigned_attributes);
        Bytes tagged = retag(unsigned_set, Class::context, 1);
        signer_info_body.insert(signer_info_body.end(), tagged.begin(), tagged.end());
    }
    Bytes signer_info = der::tlv(Class::universal, der::kSequence, true, signer_info_body);

    Bytes encap =
        der::sequence({der::oid(kCiPolicyContentOid),
                       der::tlv(Class::context, 0, true, der::octet_string(parts.content))});

    Bytes signed_data = der::sequence({
        der::small_integer(1),
        der::set_of({digest_alg}),
        encap,
        der::tlv(Class::context, 0, true, certificates),
        der::set_of({signer_info}),
    });
    return der::sequence(
        {der::oid(kSignedDataOid), der::tlv(Class::context, 0, true, signed_data)});
}

}  // namespace cipolicy::cms
