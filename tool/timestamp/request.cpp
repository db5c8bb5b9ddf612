#include "timestamp/request.hpp"

#include <openssl/rand.h>
#include <openssl/ts.h>

#include "core/error.hpp"
#include "core/handle.hpp"
#include "crypto/ossl.hpp"

namespace cipolicy::timestamp {

namespace {
using TsReqPtr = Handle<TS_REQ, TS_REQ_free>;
using TsImprintPtr = Handle<TS_MSG_IMPRINT, TS_MSG_IMPRINT_free>;
using AlgorPtr = Handle<X509_ALGOR, X509_ALGOR_free>;
}  // namespace

TsaRequest make_request(ByteView signature_value, crypto::DigestAlgorithm algorithm) {
    TsaRequest r;
    r.imprint_algorithm = algorithm;
    r.imprint = hash(algorithm, signature_value);

    AlgorPtr alg(X509_ALGOR_new());
    X509_ALGOR_set_md(alg.get(), crypto::evp_md(algorithm));
    TsImprintPtr imprint(TS_MSG_IMPRINT_new());
    TS_MSG_IMPRINT_set_algo(imprint.get(), alg.get());
    TS_MSG_IMPRINT_set_msg(imprint.get(), r.imprint.data(), static_cast<int>(r.imprint.size()));

    // 64 random bits, top bit clear so the INTEGER is positive and exactly 8 bytes.
    unsigned char nonce[8];
    if (RAND_bytes(nonce, sizeof nonce) != 1)
        throw Error(ExitCode::internal, "no randomness for a timestamp nonce");
    nonce[0] = static_cast<unsigned char>((nonce[0] & 0x7F) | 0x40);
    r.nonce.assign(nonce, nonce + sizeof nonce);
    crypto::ossl::BignumPtr bn(BN_bin2bn(nonce, sizeof nonce, nullptr));
    crypto::ossl::Asn1IntegerPtr nonce_int(BN_to_ASN1_INTEGER(bn.get(), nullptr));

    TsReqPtr req(TS_REQ_new());
    if (!req || !TS_REQ_set_version(req.get(), 1) ||
        !TS_REQ_set_msg_imprint(req.get(), imprint.get()) ||
        !TS_REQ_set_nonce(req.get(), nonce_int.get()) || !TS_REQ_set_cert_req(req.get(), 1))
        throw Error(ExitCode::internal,
                    "cannot build a timestamp request: " + crypto::ossl::last_error());
    r.der = crypto::ossl::to_der(req.get(), i2d_TS_REQ);
    return r;
}

}  // namespace cipolicy::timestamp
