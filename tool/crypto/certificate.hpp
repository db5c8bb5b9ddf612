#pragma once
// An X.509 certificate with the views cipolicy needs: names, TBS hash, EKUs, public key.

#include <openssl/x509.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "crypto/digest.hpp"
#include "crypto/ossl.hpp"

namespace cipolicy::crypto {

class Certificate {
  public:
    // Parses DER; throws Error(input) naming `source` when it is not a certificate. The same
    // bytes parsed again (a signed file's own certificates, checked right after signing, or in
    // every file of a batch) share the first parse: parsing is a function of the bytes, and an
    // OpenSSL 3 parse of an RSA certificate costs more than checking its signature.
    static Certificate from_der(ByteView der, const std::string& source);

    X509* get() const { return x509_.get(); }
    const Bytes& der() const { return der_; }
    EVP_PKEY* public_key() const { return X509_get0_pubkey(x509_.get()); }

    std::string subject() const;  // one line, RFC 2253 style
    std::string issuer() const;
    std::string common_name() const;  // CN, or the whole subject when it has none
    std::string serial_hex() const;
    std::string not_before() const;  // ISO 8601
    std::string not_after() const;
    Bytes issuer_name_der() const;  // the issuer Name exactly as encoded in the certificate
    Bytes serial_der() const;       // the serialNumber INTEGER, tag and length included
    bool is_self_issued() const;
    Bytes thumbprint(DigestAlgorithm alg) const;

    // The algorithm Windows uses for this certificate's TBS hash: the digest of its own signature
    // algorithm (sha1RSA -> SHA-1, sha256RSA -> SHA-256, ...). Throws Error(key) for others.
    DigestAlgorithm tbs_hash_algorithm() const;
    // Hash of the DER tbsCertificate: the value policies store in CertRoot Type="TBS".
    Bytes tbs_hash() const;
    // Extended key usages as dotted OIDs; empty when the extension is absent.
    std::vector<std::string> eku_oids() const;

  private:
    Certificate(std::shared_ptr<X509> x509, Bytes der)
        : x509_(std::move(x509)), der_(std::move(der)) {}
    std::shared_ptr<X509> x509_;
    Bytes der_;
};

// Every certificate in a PEM bundle or a single DER file. Throws Error(input) when none is found.
std::vector<Certificate> load_certificates(const std::filesystem::path& path);

}  // namespace cipolicy::crypto
