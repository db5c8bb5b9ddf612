#include "pe/authenticode.hpp"

#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include <algorithm>

#include "asn1/der.hpp"
#include "core/error.hpp"
#include "crypto/certificate.hpp"
#include "crypto/digest.hpp"
#include "crypto/ossl.hpp"
#include "pe/layout.hpp"
#include "pe/utf16.hpp"

namespace cipolicy::pe {

namespace {

using asn1::Class;
namespace ossl = crypto::ossl;

constexpr std::size_t kMaxEntries = 16;  // WIN_CERTIFICATE entries read from one table
constexpr std::size_t kMaxNested = 8;    // nested signatures read from one signature
constexpr std::uint16_t kPkcsSignedData = 0x0002;
constexpr const char* kSpcIndirectData = "1.3.6.1.4.1.311.2.1.4";
constexpr const char* kSpcOpusInfo = "1.3.6.1.4.1.311.2.1.12";
constexpr const char* kNestedSignature = "1.3.6.1.4.1.311.2.4.1";

std::string oid_of(const ASN1_OBJECT* obj) {
    char buf[128];
    const int n = OBJ_obj2txt(buf, sizeof buf, obj, 1);
    return n > 0 && static_cast<std::size_t>(n) < sizeof buf ? std::string(buf, n) : std::string();
}

ByteView view_of(const ASN1_STRING* s) {
    return ByteView(ASN1_STRING_get0_data(s), static_cast<std::size_t>(ASN1_STRING_length(s)));
}

ChainCertificate describe(X509* x509, const std::string& source) {
    ChainCertificate c;
    c.der = ossl::to_der(x509, i2d_X509);
    const auto cert = crypto::Certificate::from_der(c.der, source);
    c.subject = cert.subject();
    c.common_name = cert.common_name();
    c.self_issued = cert.is_self_issued();
    c.ekus = cert.eku_oids();
    try {
        const crypto::DigestAlgorithm alg = cert.tbs_hash_algorithm();
        c.tbs_hash_algorithm = std::string(crypto::digest_name(alg));
        c.tbs_hash = cert.tbs_hash();
    } catch (const Error&) {
        // An algorithm Windows has no TBS hash for: the certificate cannot be a rule's CertRoot.
    }
    if (X509_NAME* issuer = X509_get_issuer_name(x509)) {
        const int at = X509_NAME_get_index_by_NID(issuer, NID_commonName, -1);
        if (at >= 0) {
            unsigned char* utf8 = nullptr;
            const int n = ASN1_STRING_to_UTF8(
                &utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(issuer, at)));
            if (n >= 0) c.issuer_common_name.assign(reinterpret_cast<char*>(utf8), n);
            OPENSSL_free(utf8);
        }
    }
    // A key OpenSSL cannot decode (an unknown algorithm, a malformed key) has no EVP_PKEY at all.
    EVP_PKEY* key = cert.public_key();
    switch (key ? EVP_PKEY_get_base_id(key) : EVP_PKEY_NONE) {
        case EVP_PKEY_RSA:
        case EVP_PKEY_RSA_PSS:
            c.key_algorithm = KeyAlgorithm::rsa;
            break;
        case EVP_PKEY_EC:
            c.key_algorithm = KeyAlgorithm::ecdsa;
            break;
        default:
            c.key_algorithm = KeyAlgorithm::other;
    }
    return c;
}

// Leaf first, then each issuer among `certs`, stopping at a self-issued one or when none is found.
std::vector<X509*> chain_of(X509* leaf, STACK_OF(X509) * certs) {
    std::vector<X509*> chain{leaf};
    const int count = sk_X509_num(certs);
    for (int step = 0; step < count; ++step) {
        X509* current = chain.back();
        if (X509_check_issued(current, current) == X509_V_OK) break;
        X509* next = nullptr;
        for (int i = 0; i < count && !next; ++i) {
            X509* cand = sk_X509_value(certs, i);
            if (std::find(chain.begin(), chain.end(), cand) != chain.end()) continue;
            if (X509_check_issued(cand, current) == X509_V_OK) next = cand;
        }
        if (!next) break;
        chain.push_back(next);
    }
    return chain;
}

// SpcSpOpusInfo ::= SEQUENCE { programName [0] EXPLICIT SpcString OPTIONAL, ... }
// SpcString ::= CHOICE { unicode [0] IMPLICIT BMPString, ascii [1] IMPLICIT IA5String }
std::string opus_program_name(ByteView der, const std::string& source) {
    asn1::Reader r(der, source + ": SpcSpOpusInfo");
    const asn1::Element seq = r.expect(Class::universal, asn1::kSequence, true, "SpcSpOpusInfo");
    asn1::Reader in = r.enter(seq);
    if (in.at_end() || !in.peek_is(Class::context, 0)) return {};
    const asn1::Element name = in.next("programName");
    asn1::Reader nr = in.enter(name);
    const asn1::Element text = nr.next("SpcString");
    if (text.cls != Class::context) return {};
    if (text.tag == 0) return utf16_to_utf8(text.value, Endian::big);
    if (text.tag == 1) return std::string(text.value.begin(), text.value.end());
    return {};
}

struct Indirect {
    std::string digest_algorithm;
    Bytes digest;
    ByteView contents;  // the SEQUENCE's contents: what messageDigest covers
};

// SpcIndirectDataContent ::= SEQUENCE { data SpcAttributeTypeAndOptionalValue,
//                                       messageDigest DigestInfo }
Indirect read_indirect(ByteView der, const std::string& source) {
    asn1::Reader r(der, source + ": SpcIndirectDataContent");
    const asn1::Element seq =
        r.expect(Class::universal, asn1::kSequence, true, "SpcIndirectDataContent");
    asn1::Reader in = r.enter(seq);
    in.expect(Class::universal, asn1::kSequence, true, "data");
    const asn1::Element info = in.expect(Class::universal, asn1::kSequence, true, "messageDigest");
    asn1::Reader ir = in.enter(info);
    const asn1::Element alg = ir.expect(Class::universal, asn1::kSequence, true, "digestAlgorithm");
    asn1::Reader ar = ir.enter(alg);
    const asn1::Element oid = ar.expect(Class::universal, asn1::kOid, false, "algorithm");
    const asn1::Element digest = ir.expect(Class::universal, asn1::kOctetString, false, "digest");
    Indirect out;
    const std::string dotted = asn1::oid_text(oid.value);
    const auto known = crypto::digest_from_oid(dotted);
    out.digest_algorithm = known ? std::string(crypto::digest_name(*known)) : dotted;
    out.digest.assign(digest.value.begin(), digest.value.end());
    out.contents = seq.value;
    return out;
}

bool signer_info_valid(PKCS7_SIGNER_INFO* si, X509* leaf, ByteView indirect_contents) {
    const EVP_MD* md = EVP_get_digestbyobj(si->digest_alg->algorithm);
    EVP_PKEY* key = X509_get0_pubkey(leaf);  // null when the key cannot be decoded
    if (!md || !key || !si->auth_attr) return false;
    ASN1_TYPE* md_attr = PKCS7_get_signed_attribute(si, NID_pkcs9_messageDigest);
    if (!md_attr || md_attr->type != V_ASN1_OCTET_STRING) return false;
    unsigned char computed[EVP_MAX_MD_SIZE];
    unsigned int computed_len = 0;
    if (EVP_Digest(indirect_contents.data(), indirect_contents.size(), computed, &computed_len, md,
                   nullptr) != 1)
        return false;
    const ByteView stored = view_of(md_attr->value.octet_string);
    if (stored.size() != computed_len || !std::equal(stored.begin(), stored.end(), computed))
        return false;
    unsigned char* attrs = nullptr;
    const int attrs_len = ASN1_item_i2d(reinterpret_cast<ASN1_VALUE*>(si->auth_attr), &attrs,
                                        ASN1_ITEM_rptr(PKCS7_ATTR_VERIFY));
    if (attrs_len <= 0) return false;
    ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
    bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) == 1 &&
              EVP_DigestVerify(ctx.get(), si->enc_digest->data,
                               static_cast<std::size_t>(si->enc_digest->length), attrs,
                               static_cast<std::size_t>(attrs_len)) == 1;
    OPENSSL_free(attrs);
    ERR_clear_error();
    return ok;
}

void read_one(ByteView der, bool nested, const ImageHashes& hashes, const std::string& source,
              std::vector<Signature>& out);

void read_signed_data(PKCS7* p7, Signature& sig, const ImageHashes& hashes,
                      const std::string& source, std::vector<ByteView>& nested) {
    if (!PKCS7_type_is_signed(p7) || !p7->d.sign || !p7->d.sign->contents)
        throw Error(ExitCode::input, "not a PKCS#7 SignedData");
    PKCS7_SIGNED* sd = p7->d.sign;
    if (oid_of(sd->contents->type) != kSpcIndirectData)
        throw Error(ExitCode::input, "content is not an SpcIndirectDataContent");
    ASN1_TYPE* other = sd->contents->d.other;
    if (!other || other->type != V_ASN1_SEQUENCE)
        throw Error(ExitCode::input, "SpcIndirectDataContent is missing");
    const Indirect indirect = read_indirect(view_of(other->value.sequence), source);
    sig.digest_algorithm = indirect.digest_algorithm;
    sig.signed_digest = indirect.digest;
    if (indirect.digest_algorithm == "sha1")
        sig.digest_matches = indirect.digest == hashes.authenticode_sha1;
    else if (indirect.digest_algorithm == "sha256")
        sig.digest_matches = indirect.digest == hashes.authenticode_sha256;

    STACK_OF(PKCS7_SIGNER_INFO)* infos = PKCS7_get_signer_info(p7);
    if (!infos || sk_PKCS7_SIGNER_INFO_num(infos) != 1)
        throw Error(ExitCode::input, "an Authenticode signature has exactly one SignerInfo");
    PKCS7_SIGNER_INFO* si = sk_PKCS7_SIGNER_INFO_value(infos, 0);
    if (!si->issuer_and_serial || !sd->cert)
        throw Error(ExitCode::input, "the signer's certificate is not in the signature");
    X509* leaf = X509_find_by_issuer_and_serial(sd->cert, si->issuer_and_serial->issuer,
                                                si->issuer_and_serial->serial);
    if (!leaf) throw Error(ExitCode::input, "the signer's certificate is not in the signature");
    for (X509* c : chain_of(leaf, sd->cert)) sig.chain.push_back(describe(c, source));
    for (const ChainCertificate& c : sig.chain)
        if (std::find(c.ekus.begin(), c.ekus.end(), kWhqlEku) != c.ekus.end()) sig.whql = true;
    sig.signature_valid = signer_info_valid(si, leaf, indirect.contents);

    for (int i = 0; i < sk_X509_ATTRIBUTE_num(si->auth_attr); ++i) {
        X509_ATTRIBUTE* attr = sk_X509_ATTRIBUTE_value(si->auth_attr, i);
        if (oid_of(X509_ATTRIBUTE_get0_object(attr)) != kSpcOpusInfo) continue;
        ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(attr, 0);
        if (value && value->type == V_ASN1_SEQUENCE)
            sig.opus_program_name = opus_program_name(view_of(value->value.sequence), source);
    }
    for (int i = 0; i < sk_X509_ATTRIBUTE_num(si->unauth_attr); ++i) {
        X509_ATTRIBUTE* attr = sk_X509_ATTRIBUTE_value(si->unauth_attr, i);
        if (oid_of(X509_ATTRIBUTE_get0_object(attr)) != kNestedSignature) continue;
        for (int v = 0; v < X509_ATTRIBUTE_count(attr) && nested.size() < kMaxNested; ++v) {
            ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(attr, v);
            if (value && value->type == V_ASN1_SEQUENCE)
                nested.push_back(view_of(value->value.sequence));
        }
    }
}

void read_one(ByteView der, bool nested, const ImageHashes& hashes, const std::string& source,
              std::vector<Signature>& out) {
    Signature sig;
    sig.nested = nested;
    std::vector<ByteView> inner;
    const unsigned char* p = der.data();
    ossl::Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
    if (!p7) {
        ERR_clear_error();
        sig.problem = "the signature is not DER PKCS#7";
        out.push_back(std::move(sig));
        return;
    }
    try {
        read_signed_data(p7.get(), sig, hashes, source, inner);
    } catch (const Error& e) {
        sig.problem = e.what();
    }
    out.push_back(std::move(sig));
    // Nested signatures are one level deep (signtool /as); deeper ones are not followed.
    if (!nested)
        for (ByteView n : inner) read_one(n, true, hashes, source, out);
}

}  // namespace

std::vector<Signature> read_signatures(ByteView table, const ImageHashes& hashes,
                                       const std::string& source) {
    std::vector<Signature> out;
    std::size_t at = 0;
    for (std::size_t entry = 0; entry < kMaxEntries && table.size() - at >= 8; ++entry) {
        const std::uint32_t length = u32(table, at);
        const std::uint16_t type = u16(table, at + 6);
        if (length < 8 || length > table.size() - at) {
            Signature bad;
            bad.problem = "WIN_CERTIFICATE length " + std::to_string(length) +
                          " does not fit the certificate table";
            out.push_back(std::move(bad));
            break;
        }
        if (type == kPkcsSignedData)
            read_one(table.subspan(at + 8, length - 8), false, hashes, source, out);
        at += (static_cast<std::size_t>(length) + 7) & ~std::size_t{7};
        if (at >= table.size()) break;
    }
    return out;
}

}  // namespace cipolicy::pe
