#pragma once
// Loading a signing key and its certificates from files: PEM/DER key + certificates, or a PFX.
// Passwords come from an environment variable or a file, never from the command line.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "crypto/certificate.hpp"
#include "crypto/ossl.hpp"

namespace cipolicy {

// A password that is wiped from memory when it goes out of scope.
class Secret {
  public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}
    ~Secret();
    Secret(Secret&&) = default;
    Secret& operator=(Secret&&) = default;
    const std::string& reveal() const { return value_; }
    bool empty() const { return value_.empty(); }

  private:
    std::string value_;
};

// A private key, its certificate (the leaf) and the rest of the chain as supplied.
struct KeyMaterial {
    ossl::PkeyPtr key;
    Certificate leaf;
    std::vector<Certificate> others;  // intermediates and possibly the root, any order
};

// PEM or DER private key; `password` for encrypted PEM/PKCS#8.
ossl::PkeyPtr load_private_key(const std::filesystem::path& path, const Secret& password);

// The key, leaf and extra certificates of a PKCS#12 file.
KeyMaterial load_pfx(const std::filesystem::path& path, const Secret& password);

}  // namespace cipolicy
