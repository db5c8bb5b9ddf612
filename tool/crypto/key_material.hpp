#pragma once
// Loading a signing key and its certificates from files: PEM/DER key + certificates, or a PFX.
// Passwords come from an environment variable or a file, never from the command line, and never
// from a prompt: OpenSSL's own "Enter PEM pass phrase" is never reached.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "crypto/certificate.hpp"
#include "crypto/ossl.hpp"

namespace cipolicy::crypto {

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

// A password, or none, and how the user gives one ("--key-password-env VAR or ..."), for the
// message when a file turns out to need it.
struct PasswordSource {
    Secret password;
    std::string how_to_give;
};

// A private key, its certificate (the leaf) and the rest of the chain as supplied.
struct KeyMaterial {
    ossl::PkeyPtr key;
    Certificate leaf;
    std::vector<Certificate> others;  // intermediates and possibly the root, any order
};

// PEM or DER private key (PKCS#1, PKCS#8, encrypted or not). Throws Error(usage) when the key is
// encrypted and no password was given, Error(key) when the password is wrong or the file is no
// key.
ossl::PkeyPtr load_private_key(const std::filesystem::path& path, const PasswordSource& password);

// The key, leaf and extra certificates of a PKCS#12 file. Files encrypted with legacy algorithms
// (RC2-40, as older Windows exports write) are opened with OpenSSL's legacy provider, loaded only
// then. Throws Error(usage) when a password is needed and none was given, Error(key) for a wrong
// password or an algorithm that cannot be used.
KeyMaterial load_pfx(const std::filesystem::path& path, const PasswordSource& password);

}  // namespace cipolicy::crypto
