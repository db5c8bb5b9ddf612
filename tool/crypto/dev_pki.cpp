#include "crypto/dev_pki.hpp"

#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "crypto/ossl.hpp"

namespace cipolicy::crypto {
namespace fs = std::filesystem;

namespace {

ossl::PkeyPtr rsa_key(unsigned bits) {
    ossl::PkeyPtr key(EVP_RSA_gen(bits));
    if (!key) throw Error(ExitCode::internal, "RSA key generation failed: " + ossl::last_error());
    return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    ossl::X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    if (!ext || !X509_add_ext(cert, ext.get(), -1))
        throw Error(ExitCode::internal, "certificate extension failed: " + ossl::last_error());
}

struct Issued {
    ossl::X509Ptr cert;
    ossl::PkeyPtr key;
};

enum class Role { root, intermediate, code_signing };

Issued issue(const std::string& cn, Role role, const Issued* issuer, unsigned bits, long days) {
    Issued out{ossl::X509Ptr(X509_new()), rsa_key(bits)};
    X509* x = out.cert.get();
    X509_set_version(x, 2);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7F;  // positive
    ossl::Asn1IntegerPtr sn(BN_to_ASN1_INTEGER(
        ossl::BignumPtr(BN_bin2bn(serial, sizeof serial, nullptr)).get(), nullptr));
    X509_set_serialNumber(x, sn.get());
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), days * 24 * 3600);
    ossl::X509NamePtr name(X509_NAME_new());
    X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_subject_name(x, name.get());
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->cert.get()) : name.get());
    X509_set_pubkey(x, out.key.get());
    X509* issuer_cert = issuer ? issuer->cert.get() : x;
    add_extension(x, issuer_cert, NID_subject_key_identifier, "hash");
    if (issuer) add_extension(x, issuer_cert, NID_authority_key_identifier, "keyid:always");
    switch (role) {
        case Role::root:
            add_extension(x, issuer_cert, NID_basic_constraints, "critical,CA:TRUE");
            add_extension(x, issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
            break;
        case Role::intermediate:
            add_extension(x, issuer_cert, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
            add_extension(x, issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
            break;
        case Role::code_signing:
            add_extension(x, issuer_cert, NID_basic_constraints, "critical,CA:FALSE");
            add_extension(x, issuer_cert, NID_key_usage, "critical,digitalSignature");
            add_extension(x, issuer_cert, NID_ext_key_usage, "codeSigning");
            break;
    }
    EVP_PKEY* signing_key = issuer ? issuer->key.get() : out.key.get();
    if (!X509_sign(x, signing_key, EVP_sha256()))
        throw Error(ExitCode::internal, "certificate signing failed: " + ossl::last_error());
    return out;
}

Bytes pem_of(X509* cert) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), cert);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return Bytes(data, data + len);
}

Bytes pem_of_key(EVP_PKEY* key) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return Bytes(data, data + len);
}

}  // namespace

DevPkiFiles create_dev_pki(const fs::path& dir, const std::string& name, ExistingPki existing) {
    DevPkiFiles f{dir / "root.cer",   dir / "root.pem",   dir / "intermediate.pem",
                  dir / "signer.pem", dir / "signer.key", dir / "chain.pem"};
    std::string present;
    for (const fs::path* file : {&f.root_cert, &f.root_pem, &f.intermediate_pem, &f.signer_cert,
                                 &f.signer_key, &f.chain}) {
        check_replaceable(*file);
        std::error_code ec;
        if (fs::symlink_status(*file, ec).type() != fs::file_type::not_found)
            present += (present.empty() ? "" : ", ") + file->filename().string();
    }
    if (!present.empty() && existing == ExistingPki::keep)
        throw Error(ExitCode::usage,
                    dir.string() + ": already holds a PKI (" + present +
                        "); nothing was written. Policies that authorize its root would not "
                        "accept a new key: keep it, choose another folder, or replace it with "
                        "--force");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error(ExitCode::output, dir.string() + ": cannot create folder: " + ec.message());
    Issued root = issue(name + " Root CA", Role::root, nullptr, 3072, 3650);
    Issued inter = issue(name + " Intermediate CA", Role::intermediate, &root, 3072, 1825);
    Issued leaf = issue(name + " Policy Signer", Role::code_signing, &inter, 3072, 365);

    write_file_atomically(f.root_cert, ossl::to_der(root.cert.get(), i2d_X509));
    write_file_atomically(f.root_pem, pem_of(root.cert.get()));
    write_file_atomically(f.intermediate_pem, pem_of(inter.cert.get()));
    write_file_atomically(f.signer_cert, pem_of(leaf.cert.get()));
    write_file_atomically(f.signer_key, pem_of_key(leaf.key.get()), OutputAccess::private_key);
    Bytes chain = pem_of(inter.cert.get());
    Bytes root_pem = pem_of(root.cert.get());
    chain.insert(chain.end(), root_pem.begin(), root_pem.end());
    write_file_atomically(f.chain, chain);
    return f;
}

}  // namespace cipolicy::crypto
