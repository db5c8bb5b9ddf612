#pragma once
// Signing with a key that never leaves a PKCS#11 token, smart card or HSM: the token computes
// RSA PKCS#1 v1.5 over the DigestInfo (CKM_RSA_PKCS); the certificate and chain come from the
// token or from files. p11-kit loads the module and parses the RFC 7512 URI (docs/key-stores.md
// says why p11-kit). Builds without p11-kit (Windows) have the same interface and refuse to open.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "crypto/certificate.hpp"
#include "crypto/key_material.hpp"
#include "signing/signer.hpp"

namespace cipolicy::pkcs11 {

struct Options {
    // The vendor's module (libsofthsm2.so, opensc-pkcs11.so, a network HSM's client library). A
    // bare file name is looked up in p11-kit's module folder; empty: the URI's module-path.
    std::filesystem::path module;
    std::string uri;     // pkcs11:token=...;object=... (RFC 7512); never with pin-value
    crypto::Secret pin;  // empty when none was given
    // How the user gives a PIN, for the message when the token needs one.
    std::string pin_hint = "--pin-env VAR or --pin-file FILE";
    std::vector<crypto::Certificate> certificates;  // the leaf first; empty: from the token
    std::vector<crypto::Certificate> chain;  // intermediates; empty: the token's other certificates
};

// Whether this build can reach PKCS#11 tokens.
bool available();

// Loads the module, finds the one token and private key the URI names, logs in and pairs the key
// with its certificate (checked: RSA 2048/3072/4096, the same public key). Throws Error: input
// for a module that cannot be loaded, usage for a URI that cannot be used or a missing PIN, key
// for a wrong or locked PIN, a missing or ambiguous object, an ECDSA key, a certificate mismatch.
std::unique_ptr<signing::Signer> open_signer(Options options);

}  // namespace cipolicy::pkcs11
