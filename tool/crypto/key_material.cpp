#include "crypto/key_material.hpp"

#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include <cstring>
#include <string_view>
#include "core/bounded_read.hpp"

#include "core/error.hpp"

namespace cipolicy::crypto {

namespace {

// What OpenSSL's password callback saw: whether the file asked for a password at all.
struct PasswordUse {
    const Secret& password;
    bool asked = false;
};

// Hands over the given password and nothing else: without one it fails, so OpenSSL never falls
// back to reading a pass phrase from the terminal or stdin.
int password_callback(char* buf, int size, int /*rwflag*/, void* user) {
    auto* use = static_cast<PasswordUse*>(user);
    use->asked = true;
    const std::string& value = use->password.reveal();
    if (value.empty() || value.size() > static_cast<std::size_t>(size)) return -1;
    std::memcpy(buf, value.data(), value.size());
    return static_cast<int>(value.size());
}

struct WipeOnExit {
    Bytes& data;
    ~WipeOnExit() { OPENSSL_cleanse(data.data(), data.size()); }
};

}  // namespace

Secret::~Secret() {
    if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
}

ossl::PkeyPtr load_private_key(const std::filesystem::path& path, const PasswordSource& source) {
    Bytes data = read_bounded(path, kMaxKeyFileBytes, "private key file");
    WipeOnExit wipe{data};
    PasswordUse use{source.password};
    ossl::PkeyPtr key;
    constexpr std::string_view pem_marker = "-----BEGIN";
    if (std::string_view(reinterpret_cast<const char*>(data.data()), data.size())
            .find(pem_marker) != std::string_view::npos) {
        // PEM: the key may follow certificates in the same file; the reader skips to it.
        ossl::BioPtr bio = ossl::memory_bio(data.data(), data.size());
        key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, password_callback, &use));
    } else {
        // DER: PKCS#1 or PKCS#8, encrypted or not.
        EVP_PKEY* raw = nullptr;
        ossl::DecoderCtxPtr ctx(OSSL_DECODER_CTX_new_for_pkey(&raw, "DER", nullptr, nullptr,
                                                              EVP_PKEY_KEYPAIR, nullptr, nullptr));
        if (!ctx || !OSSL_DECODER_CTX_set_pem_password_cb(ctx.get(), password_callback, &use))
            throw Error(ExitCode::internal, "cannot set up the key decoder: " + ossl::last_error());
        const unsigned char* p = data.data();
        std::size_t len = data.size();
        bool decoded = OSSL_DECODER_from_data(ctx.get(), &p, &len) == 1;
        key.reset(raw);
        if (!decoded) key.reset();
    }
    ossl::last_error();
    if (key) return key;
    if (use.asked && source.password.empty())
        throw Error(ExitCode::usage,
                    path.string() + " is encrypted: give its password with " + source.how_to_give);
    if (use.asked)
        throw Error(ExitCode::key,
                    path.string() + ": cannot decrypt the private key: wrong password");
    throw Error(ExitCode::key,
                path.string() + ": not a readable private key (PEM or DER, PKCS#1 or PKCS#8)");
}

KeyMaterial load_pfx(const std::filesystem::path& path, const PasswordSource& source) {
    Bytes data = read_bounded(path, kMaxKeyFileBytes, "PFX file");
    const unsigned char* p = data.data();
    ossl::Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(data.size())));
    if (!p12) throw Error(ExitCode::key, path.string() + ": not a PKCS#12 (PFX) file");
    const Secret& password = source.password;
    // The MAC (HMAC-SHA1/SHA-256, always available) tells a wrong password apart from an
    // encryption algorithm OpenSSL cannot use. A PFX exported without a password has a MAC keyed
    // with the empty (or absent) password.
    if (PKCS12_mac_present(p12.get())) {
        bool opens = PKCS12_verify_mac(p12.get(), password.reveal().c_str(), -1) == 1 ||
                     (password.empty() && PKCS12_verify_mac(p12.get(), nullptr, 0) == 1);
        ossl::last_error();
        if (!opens && password.empty())
            throw Error(
                ExitCode::usage,
                path.string() + " is protected by a password: give it with " + source.how_to_give);
        if (!opens)
            throw Error(ExitCode::key, path.string() + ": cannot open the PFX: wrong password");
    }
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* ca = nullptr;
    auto parse = [&] {
        return PKCS12_parse(p12.get(), password.reveal().c_str(), &key, &cert, &ca) == 1;
    };
    bool parsed = parse();
    std::string why = ossl::last_error("");
    if (!parsed) {
        // Older Windows exports use RC2-40 or other algorithms that OpenSSL 3 keeps in its legacy
        // provider; load it only now, for this file.
        std::string legacy = ossl::load_legacy_provider();
        if (!legacy.empty())
            throw Error(ExitCode::key,
                        path.string() +
                            ": the PFX is encrypted with a legacy algorithm (such as RC2-40 or "
                            "3DES, as older Windows exports write) and OpenSSL's legacy provider "
                            "is not available (" +
                            legacy +
                            "); install it or re-export the PFX with AES-256 (Windows: "
                            "Export-PfxCertificate -CryptoAlgorithmOption AES256_SHA256; openssl "
                            "pkcs12 -export -keypbe AES-256-CBC -certpbe AES-256-CBC)");
        parsed = parse();
        why = ossl::last_error("");
    }
    if (!parsed)
        throw Error(ExitCode::key,
                    path.string() +
                        (PKCS12_mac_present(p12.get())
                             ? ": cannot decrypt the PFX: unsupported algorithm (" + why + ")"
                             : ": cannot open the PFX: wrong password or unsupported algorithm"));
    ossl::PkeyPtr key_owner(key);
    ossl::X509Ptr cert_owner(cert);
    ossl::X509StackPtr ca_owner(ca);
    if (!key_owner || !cert_owner)
        throw Error(ExitCode::key,
                    path.string() + ": the PFX holds no private key with a certificate");
    const std::string name = path.string();
    KeyMaterial m{std::move(key_owner),
                  Certificate::from_der(ossl::to_der(cert_owner.get(), i2d_X509), name),
                  {}};
    for (int i = 0; ca_owner && i < sk_X509_num(ca_owner.get()); ++i)
        m.others.push_back(
            Certificate::from_der(ossl::to_der(sk_X509_value(ca_owner.get(), i), i2d_X509), name));
    return m;
}

}  // namespace cipolicy::crypto
