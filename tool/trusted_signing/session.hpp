#pragma once
// Everything one run needs to talk to the service: the pooled HTTP client, the run's single token
// and the REST client, owned together so that their lifetimes cannot come apart.

#include <memory>

#include "credentials/credential_chain.hpp"
#include "credentials/token_provider.hpp"
#include "http/client.hpp"
#include "trusted_signing/service_client.hpp"

namespace cipolicy::trusted_signing {

struct SessionOptions {
    ServiceConfig service;
    http::ClientOptions http;
    credentials::CredentialOptions credential;
};

class Session {
  public:
    explicit Session(SessionOptions options);
    ServiceClient& client() { return *client_; }
    http::Client& http() { return *http_; }

  private:
    std::unique_ptr<http::Client> http_;
    std::unique_ptr<credentials::TokenProvider> tokens_;
    std::unique_ptr<ServiceClient> client_;
};

}  // namespace cipolicy::trusted_signing
