#pragma once
// The Signer whose key stays in Azure Key Vault: the certificate comes from the vault (its `cer`),
// the digest goes to the key's sign operation, and each signature is verified against the
// certificate before use. One HTTP client and one token per run, shared by a batch's threads.

#include <memory>
#include <vector>

#include "credentials/credential_chain.hpp"
#include "http/client.hpp"
#include "key_vault/vault_config.hpp"
#include "signing/signer.hpp"

namespace cipolicy::key_vault {

struct SignerOptions {
    VaultConfig vault;
    http::ClientOptions http;
    credentials::CredentialOptions credential;  // its audience is set to Key Vault's
    // Intermediates (and roots) the vault does not hold: Key Vault keeps only the leaf.
    std::vector<crypto::Certificate> chain;
};

// Fetches the certificate and checks it (RSA 2048/3072/4096). Throws Error (usage, key,
// credential, service).
std::unique_ptr<signing::Signer> open_signer(SignerOptions options);

}  // namespace cipolicy::key_vault
