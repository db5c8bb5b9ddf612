#pragma once
// The Trusted Signing REST client: start a signing operation and poll it to the end (both API
// shapes), and the profile's root certificate, chain and customer EKUs. Every request carries the
// run's correlation id and is retried on transient failures within a per-operation deadline.

#include <functional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "credentials/token_provider.hpp"
#include "crypto/certificate.hpp"
#include "crypto/digest.hpp"
#include "http/client.hpp"
#include "http/retry.hpp"
#include "trusted_signing/service_config.hpp"

namespace cipolicy::trusted_signing {

struct ServiceSignature {
    Bytes signature;
    std::vector<crypto::Certificate> chain;  // leaf first (the key that made the signature)
    std::string operation_id;
};

class ServiceClient {
  public:
    ServiceClient(ServiceConfig config, http::Client& http, credentials::TokenProvider& tokens);

    // Signs `digest` with RS256/384/512 per `alg`; the signature is verified against the leaf.
    // `accepted`, when given, runs once the service has taken the request (the token works), while
    // the operation is still running: the moment to start other requests beside it.
    // Thread-safe. Throws Error(service), Error(credential).
    ServiceSignature sign(crypto::DigestAlgorithm alg, ByteView digest,
                          const std::function<void()>& accepted = {});
    Bytes root_certificate();                  // DER
    Bytes certificate_chain();                 // DER PKCS#7, root first
    std::vector<std::string> customer_ekus();  // dotted OIDs

    const ServiceConfig& config() const { return config_; }

  private:
    using Clock = std::chrono::steady_clock;
    http::Response call(const std::string& method, const std::string& url, const std::string& body,
                        const http::Deadline& deadline, const std::string& operation_id,
                        const std::string& accept = "application/json");
    http::Deadline deadline() const;  // config_.deadline from now
    std::string query() const;
    std::string resolve(const std::string& location) const;

    ServiceConfig config_;
    http::Client& http_;
    credentials::TokenProvider& tokens_;
};

}  // namespace cipolicy::trusted_signing
