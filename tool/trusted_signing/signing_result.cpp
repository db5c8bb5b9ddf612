#include "trusted_signing/signing_result.hpp"

#include <openssl/pkcs7.h>

#include "core/error.hpp"
#include "crypto/ossl.hpp"
#include "crypto/rsa_signature.hpp"
#include "http/encoding.hpp"

namespace cipolicy::trusted_signing {

std::vector<crypto::Certificate> certificates_from_pkcs7(ByteView der, const std::string& source) {
    const unsigned char* p = der.data();
    crypto::ossl::Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
    if (!p7 || !PKCS7_type_is_signed(p7.get()) || !p7->d.sign || !p7->d.sign->cert)
        throw Error(ExitCode::service, source + ": not a PKCS#7 certificate bag: " +
                                           crypto::ossl::last_error("no certificates"));
    std::vector<crypto::Certificate> certs;
    STACK_OF(X509)* stack = p7->d.sign->cert;
    for (int i = 0; i < sk_X509_num(stack); ++i) {
        Bytes cert_der = crypto::ossl::to_der(sk_X509_value(stack, i), i2d_X509);
        certs.push_back(crypto::Certificate::from_der(cert_der, source));
    }
    if (certs.empty()) throw Error(ExitCode::service, source + ": the certificate bag is empty");
    return certs;
}

std::vector<crypto::Certificate> decode_signing_certificate(const std::string& field,
                                                            const std::string& source) {
    auto once = http::base64_decode(field);
    if (!once || once->empty())
        throw Error(ExitCode::service, source + ": signingCertificate is not base64");
    // A DER SEQUENCE already: some service versions encode only once.
    if ((*once)[0] == 0x30) return certificates_from_pkcs7(*once, source);
    auto twice = http::base64_decode(std::string(once->begin(), once->end()));
    if (!twice || twice->empty())
        throw Error(ExitCode::service,
                    source + ": signingCertificate does not hold base64 text of a PKCS#7");
    return certificates_from_pkcs7(*twice, source);
}

std::vector<crypto::Certificate> leaf_first(std::vector<crypto::Certificate> certs,
                                            crypto::DigestAlgorithm alg, ByteView digest,
                                            ByteView signature, const std::string& context) {
    for (std::size_t i = 0; i < certs.size(); ++i) {
        if (!crypto::rsa_signature_matches(certs[i], alg, digest, signature)) continue;
        std::vector<crypto::Certificate> out{certs[i]};
        for (std::size_t j = 0; j < certs.size(); ++j)
            if (j != i) out.push_back(certs[j]);
        return out;
    }
    throw Error(ExitCode::service,
                "the service's signature does not verify with any certificate it returned (a "
                "corrupt signature or a certificate chain of another key); nothing was written" +
                    context);
}

}  // namespace cipolicy::trusted_signing
