#include "signing/local_key_signer.hpp"

#include <openssl/rsa.h>

#include "core/error.hpp"
#include "core/setting_name.hpp"
#include "crypto/chain.hpp"
#include "crypto/key_policy.hpp"

namespace cipolicy::signing {

LocalKeySigner::LocalKeySigner(crypto::KeyMaterial material) : m_(std::move(material)) {
    if (auto problem = crypto::policy_key_problem(m_.key.get()))
        throw Error(ExitCode::key, "signing key: " + *problem);
    if (!m_.leaf.public_key() || EVP_PKEY_eq(m_.leaf.public_key(), m_.key.get()) != 1)
        throw Error(ExitCode::key, "the private key does not match the certificate '" +
                                       m_.leaf.common_name() + "' (check " +
                                       setting_name("local.cert") + " and " +
                                       setting_name("local.key") + ")");
    chain_ = crypto::order_chain(m_.leaf, m_.others);
}

SignatureResult LocalKeySigner::sign_digest(crypto::DigestAlgorithm alg, ByteView digest) {
    crypto::ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(m_.key.get(), nullptr));
    std::size_t len = 0;
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) <= 0 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) <= 0 ||
        EVP_PKEY_CTX_set_signature_md(ctx.get(), crypto::evp_md(alg)) <= 0 ||
        EVP_PKEY_sign(ctx.get(), nullptr, &len, digest.data(), digest.size()) <= 0)
        throw Error(ExitCode::key, "signing failed: " + crypto::ossl::last_error());
    Bytes signature(len);
    if (EVP_PKEY_sign(ctx.get(), signature.data(), &len, digest.data(), digest.size()) <= 0)
        throw Error(ExitCode::key, "signing failed: " + crypto::ossl::last_error());
    signature.resize(len);
    return {std::move(signature), chain_};
}

std::vector<crypto::Certificate> LocalKeySigner::trust_anchors() const {
    return crypto::self_issued(chain_);
}

std::string LocalKeySigner::describe() const {
    return "local key (" + m_.leaf.common_name() + ")";
}

}  // namespace cipolicy::signing
