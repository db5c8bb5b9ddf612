#pragma once
// The Azure Key Vault REST calls a signer needs (api-version 7.4): GET a certificate (its DER
// `cer` and the `kid` of its key) and POST keys/{name}/{version}/sign. Each call carries the run's
// one bearer token and is retried on 408/429/5xx and dropped connections, honouring Retry-After,
// within the operation's deadline.

#include <string>

#include "core/bytes.hpp"
#include "credentials/token_provider.hpp"
#include "crypto/certificate.hpp"
#include "crypto/digest.hpp"
#include "http/client.hpp"
#include "http/retry.hpp"
#include "key_vault/vault_config.hpp"

namespace cipolicy::key_vault {

struct VaultCertificate {
    crypto::Certificate certificate;  // the leaf (Key Vault keeps only the leaf in `cer`)
    std::string key_url;              // {vault}/keys/{name}/{version}, from `kid`
    std::string id;                   // the certificate version's own URL, for messages
};

class VaultClient {
  public:
    VaultClient(VaultConfig config, http::Client& http, credentials::TokenProvider& tokens);

    // Throws Error(service) for a missing or disabled certificate, an answer without `cer` or
    // with a `kid` outside the vault; Error(credential) when the token is refused.
    VaultCertificate certificate();
    // RS256/384/512 per `alg` over `digest`; the raw signature. Thread-safe.
    Bytes sign(const std::string& key_url, crypto::DigestAlgorithm alg, ByteView digest);

    const VaultConfig& config() const { return config_; }

  private:
    http::Response call(const std::string& method, const std::string& url, const std::string& body);

    VaultConfig config_;
    http::Client& http_;
    credentials::TokenProvider& tokens_;
};

}  // namespace cipolicy::key_vault
