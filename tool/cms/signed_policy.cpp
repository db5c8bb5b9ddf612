#include "cms/signed_policy.hpp"

#include "asn1/der.hpp"

namespace cipolicy::cms {

using asn1::Class;

static Bytes algorithm_with_null(std::string_view oid) {
    return asn1::sequence({asn1::oid(oid), asn1::null()});
}

Bytes signed_attributes(crypto::DigestAlgorithm digest, ByteView content) {
    Bytes content_type = asn1::sequence(
        {asn1::oid(kContentTypeAttrOid), asn1::set_of({asn1::oid(kCiPolicyContentOid)})});
    Bytes message_digest =
        asn1::sequence({asn1::oid(kMessageDigestAttrOid),
                        asn1::set_of({asn1::octet_string(hash(digest, content))})});
    return asn1::set_of({content_type, message_digest});
}

static Bytes retag(Bytes encoding, Class cls, int tag) {
    // Same length and contents, new identifier: an IMPLICIT tag on a constructed value.
    asn1::Reader r(encoding, "re-tag");
    auto e = r.next("element");
    return asn1::tlv(cls, tag, true, e.value);
}

Bytes encode_signed_policy(const SignedPolicyParts& parts) {
    Bytes digest_alg = algorithm_with_null(crypto::digest_oid(parts.digest));

    // certificates is a [0] IMPLICIT SET OF: DER sorts its elements by their encodings (X.690
    // 11.6), as signtool does, whatever order the chain came in. Each certificate's bytes are
    // kept as they are (re-encoding would change them: several real certificates carry negative
    // serial numbers a strict encoder would refuse).
    Bytes certificates = retag(asn1::set_of(parts.certificates), Class::context, 0);

    Bytes attrs = retag(signed_attributes(parts.digest, parts.content), Class::context, 0);
    Bytes signer_info_body = asn1::concat({
        asn1::small_integer(1),
        asn1::sequence({parts.issuer_name, parts.serial}),
        digest_alg,
        attrs,
        algorithm_with_null(kRsaEncryptionOid),
        asn1::octet_string(parts.signature),
    });
    if (!parts.unsigned_attributes.empty()) {
        Bytes unsigned_set = asn1::set_of(parts.unsigned_attributes);
        Bytes tagged = retag(unsigned_set, Class::context, 1);
        signer_info_body.insert(signer_info_body.end(), tagged.begin(), tagged.end());
    }
    Bytes signer_info = asn1::tlv(Class::universal, asn1::kSequence, true, signer_info_body);

    Bytes encap =
        asn1::sequence({asn1::oid(kCiPolicyContentOid),
                        asn1::tlv(Class::context, 0, true, asn1::octet_string(parts.content))});

    Bytes signed_data = asn1::sequence({
        asn1::small_integer(1),
        asn1::set_of({digest_alg}),
        encap,
        certificates,
        asn1::set_of({signer_info}),
    });
    return asn1::sequence(
        {asn1::oid(kSignedDataOid), asn1::tlv(Class::context, 0, true, signed_data)});
}

}  // namespace cipolicy::cms
