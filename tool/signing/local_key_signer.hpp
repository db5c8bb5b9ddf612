#pragma once
// Signing with a private key on this machine (PEM/DER key + certificate, or a PFX).

#include "crypto/key_material.hpp"
#include "signing/signer.hpp"

namespace cipolicy::signing {

class LocalKeySigner final : public Signer {
  public:
    // Checks up front that the key is RSA 2048/3072/4096 and matches the leaf; throws Error(key).
    explicit LocalKeySigner(crypto::KeyMaterial material);

    SignatureResult sign_digest(crypto::DigestAlgorithm alg, ByteView digest) override;
    std::vector<crypto::Certificate> trust_anchors() const override;
    std::optional<std::vector<crypto::Certificate>> known_chain() const override { return chain_; }
    std::string describe() const override;

  private:
    crypto::KeyMaterial m_;
    std::vector<crypto::Certificate>
        chain_;  // leaf, then the supplied certificates ordered by issuer
};

}  // namespace cipolicy::signing
