#include "trusted_signing/trusted_signing_signer.hpp"

#include "trusted_signing/root_cache.hpp"

namespace cipolicy::trusted_signing {

TrustedSigningSigner::TrustedSigningSigner(SessionOptions options)
    : root_cache_(root_cache_of(options)), session_(std::move(options)) {}

// A fetch still in flight finishes (within the request deadline) before the session goes.
TrustedSigningSigner::~TrustedSigningSigner() {
    if (root_.valid()) root_.wait();
}

void TrustedSigningSigner::start_root_fetch() const {
    std::call_once(root_started_, [this] {
        root_ = std::async(std::launch::async, [this] {
                    Bytes der = root_certificate(session_.client(), root_cache_);
                    return crypto::Certificate::from_der(
                        der, session_.client().config().endpoint + " (sign/rootcert)");
                }).share();
    });
}

signing::SignatureResult TrustedSigningSigner::sign_digest(crypto::DigestAlgorithm alg,
                                                           ByteView digest) {
    ServiceSignature s = session_.client().sign(alg, digest, [this] { start_root_fetch(); });
    return {std::move(s.signature), std::move(s.chain)};
}

std::vector<crypto::Certificate> TrustedSigningSigner::trust_anchors() const {
    start_root_fetch();
    return {root_.get()};  // rethrows the fetch's error in every caller
}

std::string TrustedSigningSigner::describe() const {
    const ServiceConfig& c = session_.client().config();
    return "Trusted Signing (account " + c.account + ", profile " + c.profile + ", " + c.endpoint +
           ", api-version " + c.api_version + ", correlation id " + c.correlation_id + ")";
}

}  // namespace cipolicy::trusted_signing
