#pragma once
// A development PKI for trying cipolicy out: root -> intermediate -> RSA-3072 code signing leaf.
// For tests and demos only: the private keys are written unencrypted.

#include <filesystem>
#include <string>

namespace cipolicy::crypto {

struct DevPkiFiles {
    std::filesystem::path root_cert;         // root.cer (DER, what a policy signer rule names)
    std::filesystem::path root_pem;          // root.pem
    std::filesystem::path intermediate_pem;  // intermediate.pem
    std::filesystem::path signer_cert;       // signer.pem
    std::filesystem::path signer_key;        // signer.key (PKCS#8 PEM, unencrypted)
    std::filesystem::path chain;             // chain.pem: intermediate + root
};

// Whether existing files of an earlier PKI in the folder are replaced.
enum class ExistingPki { keep, replace };

// Creates the folder and the files. `name` prefixes the subjects ("<name> Root CA", ...). The
// private key is owner-only (0600; an owner-only ACL on Windows). When any of the files exists
// already, nothing is written unless `existing` is replace: throws Error(usage) naming them
// (policies authorized by the old root would no longer sign with the new key).
DevPkiFiles create_dev_pki(const std::filesystem::path& dir, const std::string& name,
                           ExistingPki existing = ExistingPki::keep);

}  // namespace cipolicy::crypto
