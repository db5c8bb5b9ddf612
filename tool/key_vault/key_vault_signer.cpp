#include "key_vault/key_vault_signer.hpp"

#include "core/error.hpp"
#include "core/quote.hpp"
#include "credentials/token_provider.hpp"
#include "crypto/chain.hpp"
#include "crypto/key_policy.hpp"
#include "crypto/rsa_signature.hpp"
#include "key_vault/vault_client.hpp"

namespace cipolicy::key_vault {

namespace {

class KeyVaultSigner final : public signing::Signer {
  public:
    explicit KeyVaultSigner(SignerOptions o)
        : http_(std::make_unique<http::Client>(o.http)),
          tokens_(std::make_unique<credentials::TokenProvider>(
              credentials::make_credential(with_vault_audience(o.credential), *http_))),
          client_(std::move(o.vault), *http_, *tokens_),
          cert_(client_.certificate()) {
        if (auto problem = crypto::policy_key_problem(cert_.certificate.public_key()))
            throw Error(ExitCode::key, cert_.id + ": certificate " +
                                           quote(cert_.certificate.common_name()) + ": " +
                                           *problem +
                                           " (the certificate policy's key_props: kty RSA, "
                                           "key_size 2048, 3072 or 4096)");
        chain_ = crypto::order_chain(cert_.certificate, o.chain);
    }

    signing::SignatureResult sign_digest(crypto::DigestAlgorithm alg, ByteView digest) override {
        // Thread-safe: a batch's workers (--jobs, 8 by default) sign at once over one client.
        Bytes signature = client_.sign(cert_.key_url, alg, digest);
        if (!crypto::rsa_signature_matches(chain_.front(), alg, digest, signature))
            throw Error(ExitCode::service, cert_.key_url +
                                               ": the vault's signature does not verify with the "
                                               "certificate " +
                                               quote(chain_.front().common_name()) +
                                               " (a key of another certificate version?); "
                                               "nothing was written");
        return {std::move(signature), chain_};
    }

    std::vector<crypto::Certificate> trust_anchors() const override {
        return crypto::self_issued(chain_);
    }
    // Known before signing (the certificate is read first), so the policy's signer rules are
    // checked before the key store is asked.
    std::optional<std::vector<crypto::Certificate>> known_chain() const override { return chain_; }

    std::string describe() const override {
        return "Azure Key Vault " + client_.config().vault + ", certificate " + cert_.id + " (" +
               cert_.certificate.common_name() + "), key " + cert_.key_url + ", credential " +
               tokens_->credential_name();
    }

  private:
    static credentials::CredentialOptions with_vault_audience(credentials::CredentialOptions c) {
        c.audience = credentials::kKeyVaultAudience;
        return c;
    }

    std::unique_ptr<http::Client> http_;
    std::unique_ptr<credentials::TokenProvider> tokens_;
    VaultClient client_;
    VaultCertificate cert_;
    std::vector<crypto::Certificate> chain_;
};

}  // namespace

std::unique_ptr<signing::Signer> open_signer(SignerOptions options) {
    check_object_name(options.vault.certificate, "--key-vault-certificate");
    if (!options.vault.version.empty())
        check_object_name(options.vault.version, "--key-vault-certificate-version");
    return std::make_unique<KeyVaultSigner>(std::move(options));
}

}  // namespace cipolicy::key_vault
