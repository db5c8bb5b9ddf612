#pragma once
// The signing step as an interface: a digest goes in, an RSA PKCS#1 v1.5 signature and the
// certificate chain come out. Each key provider implements it (a local key, Trusted Signing, a
// PKCS#11 token, Azure Key Vault, the Windows certificate store; providers/registry.cpp lists
// them); the CMS code knows none of them.

#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "crypto/certificate.hpp"
#include "crypto/digest.hpp"

namespace cipolicy::signing {

struct SignatureResult {
    Bytes signature;
    // The leaf first, then the certificates that lead towards the root (the root may be among
    // them; it is left out of the signed file).
    std::vector<crypto::Certificate> chain;
};

class Signer {
  public:
    virtual ~Signer() = default;
    // Signs `digest` (already hashed with `alg`). Throws Error on failure.
    virtual SignatureResult sign_digest(crypto::DigestAlgorithm alg, ByteView digest) = 0;
    // Certificates known before signing that may anchor the chain (e.g. a root the user supplied
    // or the service's root certificate); used only for checks, never written to the output.
    virtual std::vector<crypto::Certificate> trust_anchors() const { return {}; }
    // The chain sign_digest will return, when it is known before signing (a local key); lets the
    // policy's signer rules refuse a policy before anything is signed. nullopt when the chain
    // comes with the signature (a remote service issuing a fresh certificate).
    virtual std::optional<std::vector<crypto::Certificate>> known_chain() const {
        return std::nullopt;
    }
    // A short description for logs: "local key (CN=...)".
    virtual std::string describe() const = 0;
};

}  // namespace cipolicy::signing
