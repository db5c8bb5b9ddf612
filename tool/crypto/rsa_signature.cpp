#include "crypto/rsa_signature.hpp"

#include <openssl/rsa.h>

#include "core/error.hpp"
#include "crypto/ossl.hpp"

namespace cipolicy::crypto {

bool rsa_signature_matches(const Certificate& cert, DigestAlgorithm alg, ByteView digest,
                           ByteView signature) {
    EVP_PKEY* key = cert.public_key();
    if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) return false;
    ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
    bool ok = ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1 &&
              EVP_PKEY_CTX_set_signature_md(ctx.get(), evp_md(alg)) == 1 &&
              EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), digest.data(),
                              digest.size()) == 1;
    ossl::last_error();  // a failed verification queues errors that are not ours to report
    return ok;
}

std::string jwa_rsa_name(DigestAlgorithm alg) {
    switch (alg) {
        case DigestAlgorithm::sha256:
            return "RS256";
        case DigestAlgorithm::sha384:
            return "RS384";
        case DigestAlgorithm::sha512:
            return "RS512";
        default:
            throw Error(ExitCode::usage,
                        "the Azure services sign with SHA-256, SHA-384 or SHA-512 only");
    }
}

}  // namespace cipolicy::crypto
