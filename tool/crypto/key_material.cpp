#include "crypto/key_material.hpp"

#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "core/bounded_read.hpp"
#include "core/error.hpp"

namespace cipolicy {

Secret::~Secret() {
    if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
}

ossl::PkeyPtr load_private_key(const std::filesystem::path& path, const Secret& password) {
    Bytes data = read_bounded(path, kMaxKeyFileBytes, "private key file");
    void* pass = password.empty() ? nullptr : const_cast<char*>(password.reveal().c_str());
    ossl::BioPtr bio = ossl::memory_bio(data.data(), data.size());
    ossl::PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, pass));
    if (!key) {
        const unsigned char* p = data.data();
        key.reset(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(data.size())));
    }
    OPENSSL_cleanse(data.data(), data.size());
    if (!key) {
        ossl::last_error();
        throw Error(ExitCode::key, path.string() +
                                       ": not a readable private key (PEM or DER; encrypted keys "
                                       "need --key-password-env or --key-password-file)");
    }
    return key;
}

KeyMaterial load_pfx(const std::filesystem::path& path, const Secret& password) {
    Bytes data = read_bounded(path, kMaxKeyFileBytes, "PFX file");
    const unsigned char* p = data.data();
    ossl::Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(data.size())));
    if (!p12) throw Error(ExitCode::key, path.string() + ": not a PKCS#12 (PFX) file");
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* ca = nullptr;
    if (!PKCS12_parse(p12.get(), password.reveal().c_str(), &key, &cert, &ca)) {
        ossl::last_error();
        throw Error(ExitCode::key, path.string() +
                                       ": cannot open the PFX (wrong password, or an algorithm "
                                       "OpenSSL 3 does not enable by default)");
    }
    ossl::PkeyPtr key_owner(key);
    ossl::X509Ptr cert_owner(cert);
    ossl::X509StackPtr ca_owner(ca);
    if (!key_owner || !cert_owner)
        throw Error(ExitCode::key,
                    path.string() + ": the PFX holds no private key with a certificate");
    const std::string source = path.string();
    KeyMaterial m{std::move(key_owner),
                  Certificate::from_der(ossl::to_der(cert_owner.get(), i2d_X509), source),
                  {}};
    for (int i = 0; ca_owner && i < sk_X509_num(ca_owner.get()); ++i)
        m.others.push_back(Certificate::from_der(
            ossl::to_der(sk_X509_value(ca_owner.get(), i), i2d_X509), source));
    return m;
}

}  // namespace cipolicy
