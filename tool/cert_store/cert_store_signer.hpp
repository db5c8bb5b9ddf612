#pragma once
// Signing with a certificate's key in a Windows certificate store, as signtool /s NAME /sha1 or
// /n does: the key stays in its CNG or CryptoAPI provider (platform/cert_store.hpp), the chain
// comes from the store's chain engine unless one is given.

#include <memory>
#include <string>
#include <vector>

#include "crypto/certificate.hpp"
#include "signing/signer.hpp"

namespace cipolicy::cert_store {

struct Options {
    std::string store = "My";                // [CurrentUser\|LocalMachine\]NAME
    std::string thumbprint;                  // SHA-1, 40 hex digits (signtool /sha1)
    std::string subject;                     // text in the subject (signtool /n)
    std::vector<crypto::Certificate> chain;  // --chain; empty: the store builds it
};

// Opens the one certificate with a private key that the options name and checks it (RSA
// 2048/3072/4096). Throws Error: usage for a bad store name or thumbprint, neither or both of
// thumbprint and subject, or a build without certificate stores; key for a missing, ambiguous
// or unusable certificate or key.
std::unique_ptr<signing::Signer> open_signer(Options options);

}  // namespace cipolicy::cert_store
