#include "timestamp/token.hpp"

#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509_vfy.h>

#include "core/error.hpp"
#include "core/handle.hpp"
#include "core/quote.hpp"
#include "core/setting_name.hpp"
#include "crypto/ossl.hpp"

namespace cipolicy::timestamp {

namespace {

using TsRespPtr = Handle<TS_RESP, TS_RESP_free>;
using TstInfoPtr = Handle<TS_TST_INFO, TS_TST_INFO_free>;
using VerifyCtxPtr = Handle<TS_VERIFY_CTX, TS_VERIFY_CTX_free>;

[[noreturn]] void fail(const std::string& source, const std::string& message) {
    throw Error(ExitCode::timestamp, source + ": " + message);
}

std::string status_text(long status) {
    switch (status) {
        case 0:
            return "granted";
        case 1:
            return "granted with modifications";
        case 2:
            return "rejection";
        case 3:
            return "waiting";
        case 4:
            return "revocation warning";
        case 5:
            return "revocation notification";
    }
    return "status " + std::to_string(status);
}

std::string failure_info(const ASN1_BIT_STRING* bits) {
    static const char* names[] = {"badAlg",
                                  nullptr,
                                  "badRequest",
                                  nullptr,
                                  nullptr,
                                  "badDataFormat",
                                  nullptr,
                                  nullptr,
                                  nullptr,
                                  nullptr,
                                  nullptr,
                                  nullptr,
                                  nullptr,
                                  nullptr,
                                  "timeNotAvailable",
                                  "unacceptedPolicy",
                                  "unacceptedExtension",
                                  "addInfoNotAvailable",
                                  nullptr,
                                  nullptr,
                                  nullptr,
                                  nullptr,
                                  nullptr,
                                  nullptr,
                                  nullptr,
                                  "systemFailure"};
    std::string out;
    for (int i = 0; bits && i < 26; ++i)
        if (names[i] && ASN1_BIT_STRING_get_bit(bits, i))
            out += std::string(out.empty() ? "" : ", ") + names[i];
    return out;
}

std::string iso_time(const ASN1_GENERALIZEDTIME* t) {
    struct tm tm {};
    if (!t || !ASN1_TIME_to_tm(t, &tm)) return "(invalid time)";
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

Bytes integer_bytes(const ASN1_INTEGER* i) {
    if (!i) return {};
    crypto::ossl::BignumPtr bn(ASN1_INTEGER_to_BN(i, nullptr));
    Bytes out(static_cast<std::size_t>(BN_num_bytes(bn.get())));
    BN_bn2bin(bn.get(), out.data());
    return out;
}

}  // namespace

Bytes token_from_reply(ByteView reply, const std::string& source) {
    const unsigned char* p = reply.data();
    TsRespPtr resp(d2i_TS_RESP(nullptr, &p, static_cast<long>(reply.size())));
    if (!resp) {
        crypto::ossl::last_error();
        fail(source, "the reply is not an RFC 3161 TimeStampResp");
    }
    // Bytes after the DER are no part of the reply: a proxy's error page glued on, or a forgery.
    if (p != reply.data() + reply.size())
        fail(source, "the reply has " + std::to_string(reply.data() + reply.size() - p) +
                         " bytes after its TimeStampResp");
    TS_STATUS_INFO* info = TS_RESP_get_status_info(resp.get());
    long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(info));
    if (status != 0 && status != 1) {
        std::string reason = failure_info(TS_STATUS_INFO_get0_failure_info(info));
        std::string text;
        if (const auto* texts = TS_STATUS_INFO_get0_text(info);
            texts && sk_ASN1_UTF8STRING_num(texts) > 0) {
            const ASN1_UTF8STRING* s = sk_ASN1_UTF8STRING_value(texts, 0);
            text.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                        static_cast<std::size_t>(ASN1_STRING_length(s)));
        }
        fail(source, "the server refused the request (" + status_text(status) +
                         (reason.empty() ? "" : ": " + reason) +
                         (text.empty() ? "" : ", " + quote(text)) + ")");
    }
    PKCS7* token = TS_RESP_get_token(resp.get());
    if (!token) fail(source, "the reply was granted but carries no token");
    return crypto::ossl::to_der(token, i2d_PKCS7);
}

TokenInfo check_token(ByteView token, const TokenExpectations& expect, const std::string& source) {
    const unsigned char* p = token.data();
    crypto::ossl::Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(token.size())));
    if (!p7 || p != token.data() + token.size()) {
        crypto::ossl::last_error();
        fail(source, "the timestamp token is not a DER PKCS#7 SignedData");
    }
    TstInfoPtr tst(PKCS7_to_TS_TST_INFO(p7.get()));
    if (!tst) {
        crypto::ossl::last_error();
        fail(source, "the timestamp token carries no TSTInfo");
    }

    // Imprint: the hash of this SignerInfo's signature value, with the token's own algorithm.
    TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(tst.get());
    const ASN1_OBJECT* alg_obj = nullptr;
    X509_ALGOR_get0(&alg_obj, nullptr, nullptr, TS_MSG_IMPRINT_get_algo(imprint));
    char alg_text[80];
    OBJ_obj2txt(alg_text, sizeof alg_text, alg_obj, 1);
    auto alg = crypto::digest_from_oid(alg_text);
    if (!alg)
        fail(source,
             std::string("the token's imprint algorithm ") + alg_text + " is not supported");
    const ASN1_OCTET_STRING* msg = TS_MSG_IMPRINT_get_msg(imprint);
    Bytes got(ASN1_STRING_get0_data(msg), ASN1_STRING_get0_data(msg) + ASN1_STRING_length(msg));
    if (got != hash(*alg, expect.signature_value))
        fail(source,
             "the token's imprint does not match this signature (a token for another file?)");

    if (expect.nonce && integer_bytes(TS_TST_INFO_get_nonce(tst.get())) != *expect.nonce)
        fail(source, "the reply's nonce does not match the request (a replayed or mixed-up reply)");

    const ASN1_GENERALIZEDTIME* gen_time = TS_TST_INFO_get_time(tst.get());
    if (expect.signer) {
        X509* leaf = expect.signer->get();
        if (ASN1_TIME_compare(gen_time, X509_get0_notBefore(leaf)) < 0 ||
            ASN1_TIME_compare(gen_time, X509_get0_notAfter(leaf)) > 0)
            fail(source, "the timestamp " + iso_time(gen_time) +
                             " lies outside the signer certificate's validity (" +
                             expect.signer->not_before() + " to " + expect.signer->not_after() +
                             ")");
    }

    // The token's signature, with the certificates it carries; the signer must be a TSA
    // (timeStamping EKU). With roots given, the chain must also reach one of them.
    STACK_OF(X509)* carried = p7->d.sign ? p7->d.sign->cert : nullptr;
    crypto::ossl::StorePtr store(X509_STORE_new());
    if (expect.roots.empty()) {
        for (int i = 0; carried && i < sk_X509_num(carried); ++i)
            X509_STORE_add_cert(store.get(), sk_X509_value(carried, i));
        X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME);
    } else {
        for (const auto& r : expect.roots) X509_STORE_add_cert(store.get(), r.get());
        X509_STORE_set_flags(store.get(), X509_V_FLAG_NO_CHECK_TIME);
    }
    VerifyCtxPtr ctx(TS_VERIFY_CTX_new());
    TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_SIGNATURE);
    TS_VERIFY_CTX_set_store(ctx.get(), store.release());
    if (TS_RESP_verify_token(ctx.get(), p7.get()) != 1) {
        std::string why = crypto::ossl::last_error("signature check failed");
        fail(source, expect.roots.empty()
                         ? "the timestamp token's signature does not verify (" + why + ")"
                         : "the timestamp token does not verify up to a " +
                               setting_name("timestamp.root") + " (" + why + ")");
    }

    TokenInfo out;
    out.token.assign(token.begin(), token.end());
    out.time = iso_time(gen_time);
    STACK_OF(PKCS7_SIGNER_INFO)* infos = PKCS7_get_signer_info(p7.get());
    if (infos && sk_PKCS7_SIGNER_INFO_num(infos) == 1) {
        PKCS7_ISSUER_AND_SERIAL* ias = sk_PKCS7_SIGNER_INFO_value(infos, 0)->issuer_and_serial;
        X509* tsa = X509_find_by_issuer_and_serial(carried, ias->issuer, ias->serial);
        if (tsa)
            out.tsa_subject =
                crypto::Certificate::from_der(crypto::ossl::to_der(tsa, i2d_X509), source)
                    .subject();
    }
    return out;
}

}  // namespace cipolicy::timestamp
