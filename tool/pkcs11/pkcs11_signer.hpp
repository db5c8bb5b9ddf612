#pragma once
// Signing with a key that never leaves a PKCS#11 token, smart card or HSM: the token computes
// RSA PKCS#1 v1.5 over the DigestInfo (CKM_RSA_PKCS); the certificate and chain come from the
// token or from files. The same code on Linux, macOS and Windows: platform/ loads the vendor's
// module (dlopen, LoadLibrary), pkcs11/uri_parse.cpp reads the RFC 7512 URI. The static Linux
// executables have the same interface and refuse to open (pkcs11/unavailable.cpp).

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
    // bare file name is looked up in the system's PKCS#11 module folder (Linux: p11-kit's), then
    // by the system's library search; empty: the URI's module-path.
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
