#include "crypto/certificate.hpp"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <mutex>

#include "asn1/der.hpp"
#include "core/bounded_read.hpp"
#include "core/error.hpp"
#include "core/handle.hpp"

namespace cipolicy::crypto {

namespace {

void free_openssl_bytes(unsigned char* p) {
    OPENSSL_free(p);  // a macro: Handle needs a function
}

// The last few certificates parsed, by their exact DER. Parsed X509 objects are only read after
// parsing (OpenSSL locks its own lazily computed fields), so one may serve several Certificates.
class ParsedCache {
  public:
    std::shared_ptr<X509> find(ByteView der) {
        std::lock_guard lock(mutex_);
        for (const auto& [bytes, x509] : entries_)
            if (bytes.size() == der.size() && std::equal(bytes.begin(), bytes.end(), der.begin()))
                return x509;
        return nullptr;
    }
    void add(const Bytes& der, std::shared_ptr<X509> x509) {
        std::lock_guard lock(mutex_);
        if (entries_.size() >= kEntries) entries_.erase(entries_.begin());
        entries_.emplace_back(der, std::move(x509));
    }

  private:
    static constexpr std::size_t kEntries = 16;  // a chain or two, the roots, a TSA's chain
    std::mutex mutex_;
    std::vector<std::pair<Bytes, std::shared_ptr<X509>>> entries_;
};

ParsedCache& parsed_cache() {
    static ParsedCache cache;
    return cache;
}

}  // namespace

Certificate Certificate::from_der(ByteView der, const std::string& source) {
    Bytes bytes(der.begin(), der.end());
    if (auto known = parsed_cache().find(der))
        return Certificate(std::move(known), std::move(bytes));
    const unsigned char* p = der.data();
    ossl::X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!x || p != der.data() + der.size())
        throw Error(ExitCode::input, source + ": not a DER X.509 certificate");
    std::shared_ptr<X509> parsed(std::move(x));
    parsed_cache().add(bytes, parsed);
    return Certificate(std::move(parsed), std::move(bytes));
}

static std::string name_text(const X509_NAME* name) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::string Certificate::subject() const {
    return name_text(X509_get_subject_name(get()));
}
std::string Certificate::issuer() const {
    return name_text(X509_get_issuer_name(get()));
}

std::string Certificate::common_name() const {
    const X509_NAME* name = X509_get_subject_name(get());
    int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (idx < 0) return subject();
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    unsigned char* utf8 = nullptr;
    int len = ASN1_STRING_to_UTF8(&utf8, data);
    if (len < 0) return subject();
    std::string cn(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
    OPENSSL_free(utf8);
    return cn;
}

std::string Certificate::serial_hex() const {
    const ASN1_INTEGER* serial = X509_get0_serialNumber(get());
    return to_hex(ByteView(serial->data, static_cast<std::size_t>(serial->length)));
}

static std::string iso_time(const ASN1_TIME* t) {
    struct tm tm {};
    if (!ASN1_TIME_to_tm(t, &tm)) return "(invalid time)";
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string Certificate::not_before() const {
    return iso_time(X509_get0_notBefore(get()));
}
std::string Certificate::not_after() const {
    return iso_time(X509_get0_notAfter(get()));
}

Bytes Certificate::issuer_name_der() const {
    return ossl::to_der(X509_get_issuer_name(get()), i2d_X509_NAME);
}

Bytes Certificate::serial_der() const {
    return ossl::to_der(X509_get0_serialNumber(get()), i2d_ASN1_INTEGER);
}

bool Certificate::is_self_issued() const {
    return X509_NAME_cmp(X509_get_subject_name(get()), X509_get_issuer_name(get())) == 0;
}

Bytes Certificate::thumbprint(DigestAlgorithm alg) const {
    return hash(alg, der_);
}

DigestAlgorithm Certificate::tbs_hash_algorithm() const {
    int md_nid = NID_undef, pk_nid = NID_undef;
    if (!OBJ_find_sigid_algs(X509_get_signature_nid(get()), &md_nid, &pk_nid)) md_nid = NID_undef;
    switch (md_nid) {
        case NID_sha1:
            return DigestAlgorithm::sha1;
        case NID_sha256:
            return DigestAlgorithm::sha256;
        case NID_sha384:
            return DigestAlgorithm::sha384;
        case NID_sha512:
            return DigestAlgorithm::sha512;
        default:
            throw Error(ExitCode::key, "certificate '" + common_name() +
                                           "': signature algorithm has no TBS hash Windows knows");
    }
}

Bytes Certificate::tbs_hash() const {
    // The tbsCertificate exactly as encoded: the first element inside the Certificate SEQUENCE.
    asn1::Reader outer(der_, "certificate '" + common_name() + "'");
    auto cert = outer.expect(asn1::Class::universal, asn1::kSequence, true, "Certificate");
    auto tbs =
        outer.enter(cert).expect(asn1::Class::universal, asn1::kSequence, true, "tbsCertificate");
    return hash(tbs_hash_algorithm(), tbs.raw);
}

std::vector<std::string> Certificate::eku_oids() const {
    std::vector<std::string> out;
    ossl::ExtKeyUsagePtr eku(static_cast<EXTENDED_KEY_USAGE*>(
        X509_get_ext_d2i(get(), NID_ext_key_usage, nullptr, nullptr)));
    if (!eku) return out;
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
        char buf[256];
        OBJ_obj2txt(buf, sizeof buf, sk_ASN1_OBJECT_value(eku.get(), i), 1);
        out.emplace_back(buf);
    }
    return out;
}

std::vector<Certificate> load_certificates(const std::filesystem::path& path) {
    Bytes data = read_bounded(path, kMaxKeyFileBytes, "certificate file");
    std::vector<Certificate> certs;
    const std::string source = path.string();
    std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
    if (text.find("-----BEGIN") != std::string_view::npos) {
        ossl::BioPtr bio = ossl::memory_bio(data.data(), data.size());
        // The DER of each CERTIFICATE block (other blocks, such as a key, are skipped), parsed
        // once by from_der: PEM_read_bio_X509 would parse it a first time only to re-encode it.
        unsigned char* raw = nullptr;
        long length = 0;
        while (PEM_bytes_read_bio(&raw, &length, nullptr, PEM_STRING_X509, bio.get(), nullptr,
                                  nullptr) == 1) {
            const Handle<unsigned char, free_openssl_bytes> der(raw);
            certs.push_back(Certificate::from_der(
                ByteView(der.get(), static_cast<std::size_t>(length)), source));
        }
        ossl::last_error();  // the expected "no start line" at the end of the bundle
    } else if (!data.empty()) {
        certs.push_back(Certificate::from_der(data, source));
    }
    if (certs.empty()) throw Error(ExitCode::input, source + ": no certificate found (PEM or DER)");
    return certs;
}

}  // namespace cipolicy::crypto
