#pragma once
// The Signer that asks Trusted Signing: the digest goes to the service, the signature and the
// service's 3-day certificate chain come back, checked against each other before use.

#include <future>
#include <mutex>
#include <optional>

#include "credentials/build_cache.hpp"
#include "signing/signer.hpp"
#include "trusted_signing/session.hpp"

namespace cipolicy::trusted_signing {

class TrustedSigningSigner : public signing::Signer {
  public:
    explicit TrustedSigningSigner(SessionOptions options);
    ~TrustedSigningSigner() override;

    // Thread-safe: a batch signs several files at once over one session.
    signing::SignatureResult sign_digest(crypto::DigestAlgorithm alg, ByteView digest) override;
    // The profile's root certificate (GET .../sign/rootcert), fetched once per run: the first
    // signing operation the service accepts starts that request while it runs, so no file waits
    // for it afterwards (and a run whose token or request fails never asks for it).
    std::vector<crypto::Certificate> trust_anchors() const override;
    std::string describe() const override;

  private:
    void start_root_fetch() const;

    // --build-cache: the runs of one build share the root certificate (root_cache.hpp).
    std::optional<credentials::BuildCache> root_cache_;
    mutable Session session_;
    mutable std::once_flag root_started_;
    mutable std::shared_future<crypto::Certificate> root_;
};

}  // namespace cipolicy::trusted_signing
