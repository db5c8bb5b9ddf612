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

// Creates the folder and the files; replaces files left by an earlier run. `name` prefixes the
// subjects ("<name> Root CA", ...).
DevPkiFiles create_dev_pki(const std::filesystem::path& dir, const std::string& name);

}  // namespace cipolicy::crypto
