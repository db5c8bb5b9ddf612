#pragma once
// A certificate and its private key in a Windows certificate store, used where the key lives: a
// CNG key storage provider (software, smart card, TPM, HSM) or a legacy CryptoAPI CSP. The key is
// never exported. Elsewhere open_store_key says that only cipolicy.exe has certificate stores.
// Plain std types only: platform/ is below every other folder.

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace cipolicy::platform {

using Der = std::vector<unsigned char>;

// Why a store key could not be opened or used; `kind` tells the caller which exit code fits.
class StoreError : public std::runtime_error {
  public:
    enum class Kind { unsupported, not_found, ambiguous, key };
    StoreError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    Kind kind() const { return kind_; }

  private:
    Kind kind_;
};

struct StoreQuery {
    bool local_machine = false;  // CurrentUser otherwise
    std::string store = "My";
    std::string thumbprint;  // 40 hex digits, or empty
    std::string subject;     // text in the subject (signtool /n), or empty
};

class StoreKey {
  public:
    virtual ~StoreKey() = default;
    virtual const Der& certificate() const = 0;
    // The certificates above the leaf as the store's chain engine builds them (root left out).
    virtual std::vector<Der> chain() const = 0;
    // RSA PKCS#1 v1.5 signature (big-endian, as in CMS) over `digest`, made with `hash`
    // ("SHA256", "SHA384" or "SHA512"). Throws StoreError(key).
    virtual Der sign_pkcs1(const std::string& hash, const Der& digest) = 0;
    // "CNG: Microsoft Software Key Storage Provider", "CryptoAPI: Microsoft Enhanced RSA and AES
    // Cryptographic Provider", for logs.
    virtual std::string key_provider() const = 0;
};

// The one certificate with a private key that `query` names. Throws StoreError.
std::unique_ptr<StoreKey> open_store_key(const StoreQuery& query);

}  // namespace cipolicy::platform
