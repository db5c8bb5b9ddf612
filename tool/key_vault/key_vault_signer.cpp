#include "key_vault/key_vault_signer.hpp"

#include <condition_variable>
#include <mutex>

#include "core/error.hpp"
#include "core/quote.hpp"
#include "credentials/token_provider.hpp"
#include "crypto/chain.hpp"
#include "key_vault/vault_client.hpp"
#include "signing/key_policy.hpp"
#include "trusted_signing/signing_result.hpp"

namespace cipolicy::key_vault {

namespace {

// At most `limit` holders at once (a batch's threads share the vault's request quota).
class Gate {
  public:
    explicit Gate(std::size_t limit) : free_(std::max<std::size_t>(limit, 1)) {}
    void enter() {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return free_ > 0; });
        --free_;
    }
    void leave() {
        {
            std::lock_guard lock(mutex_);
            ++free_;
        }
        cv_.notify_one();
    }

  private:
    std::mutex mutex_;
    std::condition_variable cv_;
    std::size_t free_;
};

class KeyVaultSigner final : public Signer {
  public:
    explicit KeyVaultSigner(SignerOptions o)
        : http_(std::make_unique<http::Client>(o.http)),
          tokens_(std::make_unique<credentials::TokenProvider>(
              credentials::make_credential(with_vault_audience(o.credential), *http_))),
          client_(std::move(o.vault), *http_, *tokens_),
          gate_(client_.config().max_concurrency),
          cert_(client_.certificate()) {
        if (auto problem = policy_key_problem(cert_.certificate.public_key()))
            throw Error(ExitCode::key, cert_.id + ": certificate " +
                                           quote(cert_.certificate.common_name()) + ": " +
                                           *problem +
                                           " (the certificate policy's key_props: kty RSA, "
                                           "key_size 2048, 3072 or 4096)");
        chain_ = order_chain(cert_.certificate, o.chain);
    }

    SignatureResult sign_digest(DigestAlgorithm alg, ByteView digest) override {
        gate_.enter();
        Bytes signature;
        try {
            signature = client_.sign(cert_.key_url, alg, digest);
        } catch (...) {
            gate_.leave();
            throw;
        }
        gate_.leave();
        if (!trusted_signing::signature_matches(chain_.front(), alg, digest, signature))
            throw Error(ExitCode::service, cert_.key_url +
                                               ": the vault's signature does not verify with the "
                                               "certificate " +
                                               quote(chain_.front().common_name()) +
                                               " (a key of another certificate version?); "
                                               "nothing was written");
        return {std::move(signature), chain_};
    }

    std::vector<Certificate> trust_anchors() const override { return self_issued(chain_); }

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
    Gate gate_;
    VaultCertificate cert_;
    std::vector<Certificate> chain_;
};

}  // namespace

std::unique_ptr<Signer> open_signer(SignerOptions options) {
    check_object_name(options.vault.certificate, "--key-vault-certificate");
    if (!options.vault.version.empty())
        check_object_name(options.vault.version, "--key-vault-certificate-version");
    return std::make_unique<KeyVaultSigner>(std::move(options));
}

}  // namespace cipolicy::key_vault
