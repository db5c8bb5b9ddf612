#include "pkcs11/pkcs11_signer.hpp"

#include <openssl/core_names.h>

#include <cstring>
#include <mutex>

#include "core/error.hpp"
#include "core/quote.hpp"
#include "crypto/chain.hpp"
#include "crypto/key_policy.hpp"
#include "crypto/ossl.hpp"
#include "crypto/rsa_signature.hpp"
#include "pkcs11/module.hpp"
#include "pkcs11/session.hpp"
#include "pkcs11/token_uri.hpp"

namespace cipolicy::pkcs11 {

namespace {

// The DER prefix of DigestInfo for each hash (RFC 8017 section 9.2, note 1): CKM_RSA_PKCS pads
// and signs exactly what it is given, so the DigestInfo is built here.
Bytes digest_info(crypto::DigestAlgorithm alg, ByteView digest) {
    static const Bytes sha256{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                              0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    static const Bytes sha384{0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                              0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
    static const Bytes sha512{0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                              0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};
    const Bytes* prefix = alg == crypto::DigestAlgorithm::sha256   ? &sha256
                          : alg == crypto::DigestAlgorithm::sha384 ? &sha384
                          : alg == crypto::DigestAlgorithm::sha512 ? &sha512
                                                                   : nullptr;
    if (!prefix || digest.size() != (*prefix)[prefix->size() - 1])
        throw Error(ExitCode::usage, "PKCS#11 signing takes SHA-256, SHA-384 or SHA-512 digests");
    Bytes out(*prefix);
    out.insert(out.end(), digest.begin(), digest.end());
    return out;
}

// The RSA modulus of a certificate's key, big-endian without leading zeros.
Bytes modulus_of(const crypto::Certificate& cert) {
    BIGNUM* n = nullptr;
    if (!cert.public_key() ||
        EVP_PKEY_get_bn_param(cert.public_key(), OSSL_PKEY_PARAM_RSA_N, &n) != 1)
        return {};
    Bytes out(static_cast<std::size_t>(BN_num_bytes(n)));
    BN_bn2bin(n, out.data());
    BN_free(n);
    return out;
}

Bytes trimmed(Bytes b) {
    std::size_t zeros = 0;
    while (zeros < b.size() && b[zeros] == 0) ++zeros;
    b.erase(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(zeros));
    return b;
}

class Pkcs11Signer final : public signing::Signer {
  public:
    explicit Pkcs11Signer(Options o)
        : uri_(o.uri),
          module_(o.module.empty() ? std::filesystem::path(uri_.module_path()) : o.module),
          session_(module_, uri_, o.pin, o.pin_hint),
          pin_(std::move(o.pin)) {
        find_key();
        std::vector<crypto::Certificate> certs = std::move(o.certificates);
        if (certs.empty()) certs = token_certificates(true);
        const crypto::Certificate leaf = certs.front();
        std::vector<crypto::Certificate> pool(certs.begin() + 1, certs.end());
        for (auto& c : o.chain.empty() ? token_certificates(false) : o.chain) pool.push_back(c);
        check_certificate(leaf);
        chain_ = crypto::order_chain(leaf, pool);
    }

    signing::SignatureResult sign_digest(crypto::DigestAlgorithm alg, ByteView digest) override {
        Bytes signature;
        {
            // One session, one operation at a time (PKCS#11 sessions are not concurrent).
            std::lock_guard lock(mutex_);
            signature = session_.sign(key_, CKM_RSA_PKCS, digest_info(alg, digest), modulus_.size(),
                                      always_authenticate_, pin_);
        }
        if (!crypto::rsa_signature_matches(chain_.front(), alg, digest, signature))
            throw Error(ExitCode::key, where() +
                                           ": the token's signature does not verify with the "
                                           "certificate " +
                                           quote(chain_.front().common_name()) +
                                           "; nothing was written");
        return {std::move(signature), chain_};
    }

    std::vector<crypto::Certificate> trust_anchors() const override {
        return crypto::self_issued(chain_);
    }
    // Known before signing (the certificate is read first), so the policy's signer rules are
    // checked before the key store is asked.
    std::optional<std::vector<crypto::Certificate>> known_chain() const override { return chain_; }

    std::string describe() const override {
        return "PKCS#11 token " + quote(session_.token_label()) + ", key " + quote(key_label_) +
               " (" + chain_.front().common_name() + ", module " + module_.name() + ")";
    }

  private:
    std::string where() const {
        return "PKCS#11 token " + quote(session_.token_label()) + ", key " + quote(key_label_);
    }

    void find_key() {
        const std::string token = "PKCS#11 token " + quote(session_.token_label());
        if (!uri_.names_object())
            throw Error(ExitCode::usage, "PKCS#11 URI " + quote(uri_.text()) +
                                             ": name the key with object=LABEL or id=%NN");
        auto keys = session_.find(CKO_PRIVATE_KEY, uri_.object_attributes());
        if (keys.size() != 1)
            throw Error(
                ExitCode::key,
                token + ": " +
                    (keys.empty() ? "no private key matches " : "several private keys match ") +
                    quote(uri_.text()) +
                    " (list them: pkcs11-tool --module MODULE --login --list-objects)");
        key_ = keys.front();
        if (auto label = session_.attribute(key_, CKA_LABEL))
            key_label_.assign(label->begin(), label->end());
        key_id_ = session_.attribute(key_, CKA_ID).value_or(Bytes());
        auto type = session_.attribute(key_, CKA_KEY_TYPE);
        CK_KEY_TYPE kt = CKK_RSA;
        if (type && type->size() == sizeof kt) std::memcpy(&kt, type->data(), sizeof kt);
        if (kt == CKK_EC)
            throw Error(ExitCode::key, where() +
                                           ": an ECDSA key; ECDSA keys are not supported for CI "
                                           "policies (Windows may fail to boot); use RSA 2048, "
                                           "3072 or 4096");
        if (kt != CKK_RSA)
            throw Error(ExitCode::key, where() + ": not an RSA key; use RSA 2048, 3072 or 4096");
        modulus_ = trimmed(session_.attribute(key_, CKA_MODULUS).value_or(Bytes()));
        auto always = session_.attribute(key_, CKA_ALWAYS_AUTHENTICATE);
        always_authenticate_ = always && !always->empty() && (*always)[0] == CK_TRUE;
    }

    // With `leaf`: the certificate of the key (same CKA_ID, else same label), alone. Without:
    // every other certificate on the token, for the chain.
    std::vector<crypto::Certificate> token_certificates(bool leaf) {
        std::vector<CK_ATTRIBUTE> match;
        if (leaf && !key_id_.empty())
            match.push_back({CKA_ID, key_id_.data(), static_cast<CK_ULONG>(key_id_.size())});
        else if (leaf)
            match.push_back(
                {CKA_LABEL, key_label_.data(), static_cast<CK_ULONG>(key_label_.size())});
        std::vector<crypto::Certificate> out;
        for (CK_OBJECT_HANDLE h : session_.find(CKO_CERTIFICATE, match)) {
            auto der = session_.attribute(h, CKA_VALUE);
            if (!der) continue;
            crypto::Certificate c = crypto::Certificate::from_der(*der, where() + " certificate");
            if (!leaf && trimmed(modulus_of(c)) == modulus_) continue;  // the leaf itself
            out.push_back(std::move(c));
        }
        if (leaf && out.empty())
            throw Error(ExitCode::key, where() + ": no certificate with the key's id " +
                                           (key_id_.empty() ? "(none)" : to_hex(key_id_)) +
                                           " on the token; give it with --cert FILE");
        if (leaf) out.erase(out.begin() + 1, out.end());
        return out;
    }

    void check_certificate(const crypto::Certificate& leaf) {
        if (auto problem = crypto::policy_key_problem(leaf.public_key()))
            throw Error(ExitCode::key,
                        "certificate " + quote(leaf.common_name()) + ": " + *problem);
        if (modulus_.empty() || trimmed(modulus_of(leaf)) != modulus_)
            throw Error(ExitCode::key, where() + ": the certificate " + quote(leaf.common_name()) +
                                           " is not the key's (its public key differs)");
    }

    TokenUri uri_;
    Module module_;
    Session session_;
    crypto::Secret pin_;  // kept only for keys that want it again per signature
    CK_OBJECT_HANDLE key_ = CK_INVALID_HANDLE;
    std::string key_label_;
    Bytes key_id_, modulus_;
    bool always_authenticate_ = false;
    std::vector<crypto::Certificate> chain_;
    std::mutex mutex_;
};

}  // namespace

bool available() {
    return true;
}

std::unique_ptr<signing::Signer> open_signer(Options options) {
    return std::make_unique<Pkcs11Signer>(std::move(options));
}

}  // namespace cipolicy::pkcs11
