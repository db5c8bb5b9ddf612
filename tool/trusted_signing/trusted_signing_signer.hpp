#pragma once
// The Signer that asks Trusted Signing: the digest goes to the service, the signature and the
// service's 3-day certificate chain come back, checked against each other before use.

#include <mutex>
#include <optional>

#include "signing/signer.hpp"
#include "trusted_signing/session.hpp"

namespace cipolicy::trusted_signing {

class TrustedSigningSigner : public Signer {
  public:
    explicit TrustedSigningSigner(SessionOptions options);

    // Thread-safe: a batch signs several files at once over one session.
    SignatureResult sign_digest(DigestAlgorithm alg, ByteView digest) override;
    // The profile's root certificate (GET .../sign/rootcert), fetched once per run.
    std::vector<Certificate> trust_anchors() const override;
    std::string describe() const override;

  private:
    mutable Session session_;
    mutable std::mutex root_mutex_;
    mutable std::optional<Certificate> root_;
};

}  // namespace cipolicy::trusted_signing
