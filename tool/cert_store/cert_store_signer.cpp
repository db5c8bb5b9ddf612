#include "cert_store/cert_store_signer.hpp"

#include <mutex>

#include "core/ascii.hpp"
#include "core/error.hpp"
#include "core/quote.hpp"
#include "crypto/chain.hpp"
#include "crypto/key_policy.hpp"
#include "crypto/rsa_signature.hpp"
#include "platform/cert_store.hpp"

namespace cipolicy::cert_store {

namespace {

// "[CurrentUser\|LocalMachine\]NAME", the location compared without case as Windows does.
platform::StoreQuery query_of(const Options& o) {
    platform::StoreQuery q;
    std::string name = o.store.empty() ? "My" : o.store;
    if (auto slash = name.find('\\'); slash != std::string::npos) {
        const std::string location = name.substr(0, slash);
        if (ascii_lower(location) == "localmachine")
            q.local_machine = true;
        else if (ascii_lower(location) != "currentuser")
            throw Error(ExitCode::usage, "--cert-store " + quote(o.store) +
                                             ": the location must be CurrentUser or "
                                             "LocalMachine (CurrentUser\\My, LocalMachine\\My)");
        name = name.substr(slash + 1);
    }
    if (name.empty() || name.find('\\') != std::string::npos)
        throw Error(ExitCode::usage, "--cert-store " + quote(o.store) +
                                         ": give a store name such as My, optionally after "
                                         "CurrentUser\\ or LocalMachine\\");
    q.store = name;
    q.thumbprint = o.thumbprint;
    q.subject = o.subject;
    return q;
}

std::string hash_name(crypto::DigestAlgorithm alg) {
    switch (alg) {
        case crypto::DigestAlgorithm::sha384:
            return "SHA384";
        case crypto::DigestAlgorithm::sha512:
            return "SHA512";
        default:
            return "SHA256";
    }
}

class CertStoreSigner final : public signing::Signer {
  public:
    CertStoreSigner(std::unique_ptr<platform::StoreKey> key, std::vector<crypto::Certificate> given,
                    const std::string& store)
        : key_(std::move(key)), store_(store) {
        crypto::Certificate leaf = crypto::Certificate::from_der(key_->certificate(), store_);
        if (auto problem = crypto::policy_key_problem(leaf.public_key()))
            throw Error(ExitCode::key,
                        store_ + ": certificate " + quote(leaf.common_name()) + ": " + *problem);
        std::vector<crypto::Certificate> others = std::move(given);
        if (others.empty())
            for (const auto& der : key_->chain())
                others.push_back(crypto::Certificate::from_der(der, store_ + " (chain)"));
        chain_ = crypto::order_chain(leaf, others);
    }

    signing::SignatureResult sign_digest(crypto::DigestAlgorithm alg, ByteView digest) override {
        Bytes signature;
        try {
            const platform::Der in(digest.begin(), digest.end());
            platform::Der out = key_->sign_pkcs1(hash_name(alg), in);
            signature.assign(out.begin(), out.end());
        } catch (const platform::StoreError& e) {
            throw Error(ExitCode::key, store_ + ": " + e.what());
        }
        if (!crypto::rsa_signature_matches(chain_.front(), alg, digest, signature))
            throw Error(ExitCode::key, store_ + ": the key of " +
                                           quote(chain_.front().common_name()) +
                                           " made a signature that does not verify with its "
                                           "certificate; nothing was written");
        return {std::move(signature), chain_};
    }

    std::vector<crypto::Certificate> trust_anchors() const override {
        return crypto::self_issued(chain_);
    }
    std::optional<std::vector<crypto::Certificate>> known_chain() const override { return chain_; }

    std::string describe() const override {
        return "certificate store " + store_ + ", " + chain_.front().subject() + " (" +
               key_->key_provider() + " key)";
    }

  private:
    std::unique_ptr<platform::StoreKey> key_;
    std::string store_;
    std::vector<crypto::Certificate> chain_;
};

}  // namespace

std::unique_ptr<signing::Signer> open_signer(Options options) {
    if (options.thumbprint.empty() == options.subject.empty())
        throw Error(ExitCode::usage,
                    "a certificate store key needs --thumbprint SHA1 or --subject TEXT (one of "
                    "the two), as signtool's /sha1 and /n");
    platform::StoreQuery q = query_of(options);
    const std::string where = (q.local_machine ? "LocalMachine\\" : "CurrentUser\\") + q.store;
    try {
        return std::make_unique<CertStoreSigner>(platform::open_store_key(q),
                                                 std::move(options.chain), where);
    } catch (const platform::StoreError& e) {
        switch (e.kind()) {
            case platform::StoreError::Kind::unsupported:
                throw Error(ExitCode::usage, std::string("--cert-store: ") + e.what());
            default:
                throw Error(ExitCode::key, e.what());
        }
    }
}

}  // namespace cipolicy::cert_store
