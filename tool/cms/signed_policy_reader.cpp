#include "cms/signed_policy_reader.hpp"

#include <openssl/asn1.h>

#include "asn1/der.hpp"
#include "cms/signed_policy.hpp"
#include "core/error.hpp"
#include "crypto/ossl.hpp"

namespace cipolicy::cms {

using asn1::Class;
using asn1::Element;
using asn1::Reader;

namespace {

long integer_value(const Reader& r, const Element& e, const char* what) {
    const unsigned char* p = e.raw.data();
    crypto::ossl::Asn1IntegerPtr i(d2i_ASN1_INTEGER(nullptr, &p, static_cast<long>(e.raw.size())));
    long v = i ? ASN1_INTEGER_get(i.get()) : -1;
    if (!i || v < 0) r.fail(e.offset, std::string(what) + " is not a small non-negative INTEGER");
    return v;
}

AlgorithmIdentifier algorithm(Reader& r, const char* what) {
    Element seq = r.expect(Class::universal, asn1::kSequence, true, what);
    Reader in = r.enter(seq);
    Element oid = in.expect(Class::universal, asn1::kOid, false, std::string(what) + " OID");
    AlgorithmIdentifier alg{asn1::oid_text(oid.value)};
    if (!in.at_end()) {
        Element params = in.next(std::string(what) + " parameters");
        alg.params =
            params.cls == Class::universal && params.tag == asn1::kNull && params.value.empty()
                ? AlgorithmIdentifier::Params::null
                : AlgorithmIdentifier::Params::other;
    }
    in.expect_end(what);
    return alg;
}

std::vector<Attribute> attributes(const Reader& parent, const Element& set) {
    std::vector<Attribute> out;
    Reader r = parent.enter(set);
    while (!r.at_end()) {
        Element attr = r.expect(Class::universal, asn1::kSequence, true, "Attribute");
        Reader in = r.enter(attr);
        Element oid = in.expect(Class::universal, asn1::kOid, false, "attribute type");
        Element values = in.expect(Class::universal, asn1::kSet, true, "attribute values SET");
        in.expect_end("Attribute");
        Attribute a{asn1::oid_text(oid.value), {}, attr.raw};
        Reader vr = in.enter(values);
        while (!vr.at_end()) a.values.push_back(vr.next("attribute value").raw);
        out.push_back(std::move(a));
    }
    return out;
}

SignerInfoView signer_info(Reader& r) {
    Element si = r.expect(Class::universal, asn1::kSequence, true, "SignerInfo");
    Reader in = r.enter(si);
    SignerInfoView s;
    s.version =
        integer_value(in, in.expect(Class::universal, asn1::kInteger, false, "SignerInfo version"),
                      "SignerInfo version");
    if (in.peek_is(Class::universal, asn1::kSequence)) {
        Element ias = in.next("IssuerAndSerialNumber");
        Reader ir = in.enter(ias);
        s.issuer_name = ir.expect(Class::universal, asn1::kSequence, true, "issuer Name").raw;
        s.serial = ir.expect(Class::universal, asn1::kInteger, false, "serial number").raw;
        ir.expect_end("IssuerAndSerialNumber");
        s.has_issuer_and_serial = true;
    } else {
        in.expect(Class::context, 0, false, "SignerIdentifier");
    }
    s.digest_algorithm = algorithm(in, "SignerInfo digestAlgorithm");
    if (in.peek_is(Class::context, 0)) {
        Element attrs = in.expect(Class::context, 0, true, "signed attributes [0]");
        s.signed_attributes_raw = attrs.raw;
        s.signed_attributes = attributes(in, attrs);
    }
    s.signature_algorithm = algorithm(in, "signatureAlgorithm");
    s.signature = in.expect(Class::universal, asn1::kOctetString, false, "signature").value;
    if (in.peek_is(Class::context, 1))
        s.unsigned_attributes =
            attributes(in, in.expect(Class::context, 1, true, "unsigned attributes [1]"));
    in.expect_end("SignerInfo");
    return s;
}

}  // namespace

SignedPolicyView read_signed_policy(ByteView data, const std::string& source) {
    Reader top(data, source);
    Element ci = top.expect(Class::universal, asn1::kSequence, true, "ContentInfo SEQUENCE");
    top.expect_end("the ContentInfo (trailing bytes)");
    Reader cir = top.enter(ci);
    Element type = cir.expect(Class::universal, asn1::kOid, false, "ContentInfo contentType");
    if (asn1::oid_text(type.value) != kSignedDataOid)
        cir.fail(type.offset, "content type is " + asn1::oid_text(type.value) +
                                  ", expected signedData (1.2.840.113549.1.7.2)");
    Element explicit0 = cir.expect(Class::context, 0, true, "[0] EXPLICIT SignedData");
    cir.expect_end("ContentInfo");
    Reader wrapper = cir.enter(explicit0);
    Element sd = wrapper.expect(Class::universal, asn1::kSequence, true, "SignedData SEQUENCE");
    wrapper.expect_end("SignedData");

    SignedPolicyView v;
    Reader r = wrapper.enter(sd);
    v.version =
        integer_value(r, r.expect(Class::universal, asn1::kInteger, false, "SignedData version"),
                      "SignedData version");
    Element algs = r.expect(Class::universal, asn1::kSet, true, "digestAlgorithms SET");
    Reader ar = r.enter(algs);
    while (!ar.at_end()) v.digest_algorithms.push_back(algorithm(ar, "digestAlgorithm"));

    Element encap = r.expect(Class::universal, asn1::kSequence, true, "encapContentInfo");
    Reader er = r.enter(encap);
    v.content_type =
        asn1::oid_text(er.expect(Class::universal, asn1::kOid, false, "eContentType").value);
    if (!er.at_end()) {
        Element wrapped = er.expect(Class::context, 0, true, "[0] EXPLICIT eContent");
        Reader wr = er.enter(wrapped);
        Element octets = wr.next("eContent OCTET STRING");
        if (octets.cls != Class::universal || octets.tag != asn1::kOctetString ||
            octets.constructed)
            wr.fail(octets.offset, "eContent must be a primitive OCTET STRING");
        wr.expect_end("eContent");
        v.content = octets.value;
    }
    er.expect_end("encapContentInfo");

    if (r.peek_is(Class::context, 0)) {
        Reader cr = r.enter(r.expect(Class::context, 0, true, "certificates [0]"));
        while (!cr.at_end())
            v.certificates.push_back(
                cr.expect(Class::universal, asn1::kSequence, true, "Certificate").raw);
    }
    if (r.peek_is(Class::context, 1)) {
        r.next("crls [1]");
        v.has_crls = true;
    }
    Element infos = r.expect(Class::universal, asn1::kSet, true, "signerInfos SET");
    Reader sr = r.enter(infos);
    while (!sr.at_end()) v.signers.push_back(signer_info(sr));
    r.expect_end("SignedData");
    return v;
}

bool looks_like_signed_data(ByteView data) {
    // Not a SEQUENCE: answered without the reader, whose refusal is an exception. Every unsigned
    // policy a sign run reads comes here, and the first exception a static executable throws
    // costs milliseconds (libgcc then sorts the unwind tables of the whole program).
    if (data.empty() || data[0] != 0x30) return false;
    try {
        Reader top(data, "probe");
        Element ci = top.expect(Class::universal, asn1::kSequence, true, "ContentInfo");
        Reader cir = top.enter(ci);
        Element type = cir.expect(Class::universal, asn1::kOid, false, "contentType");
        return asn1::oid_text(type.value) == kSignedDataOid;
    } catch (const Error&) {
        return false;
    }
}

std::string attribute_oid(ByteView attribute) {
    Reader r(attribute, "attribute");
    Reader in = r.enter(r.expect(Class::universal, asn1::kSequence, true, "Attribute"));
    return asn1::oid_text(in.expect(Class::universal, asn1::kOid, false, "attribute type").value);
}

Bytes signed_attributes_for_signature(ByteView stored_attributes) {
    Reader r(stored_attributes, "signed attributes");
    Element e = r.next("signed attributes");
    return asn1::tlv(Class::universal, asn1::kSet, true, e.value);
}

}  // namespace cipolicy::cms
