#include "trusted_signing/trusted_signing_signer.hpp"

namespace cipolicy::trusted_signing {

TrustedSigningSigner::TrustedSigningSigner(SessionOptions options) : session_(std::move(options)) {}

SignatureResult TrustedSigningSigner::sign_digest(DigestAlgorithm alg, ByteView digest) {
    ServiceSignature s = session_.client().sign(alg, digest);
    return {std::move(s.signature), std::move(s.chain)};
}

std::vector<Certificate> TrustedSigningSigner::trust_anchors() const {
    std::lock_guard lock(root_mutex_);
    if (!root_) {
        Bytes der = session_.client().root_certificate();
        root_.emplace(
            Certificate::from_der(der, session_.client().config().endpoint + " (sign/rootcert)"));
    }
    return {*root_};
}

std::string TrustedSigningSigner::describe() const {
    const ServiceConfig& c = session_.client().config();
    return "Trusted Signing (account " + c.account + ", profile " + c.profile + ", " + c.endpoint +
           ", api-version " + c.api_version + ", correlation id " + c.correlation_id + ")";
}

}  // namespace cipolicy::trusted_signing
