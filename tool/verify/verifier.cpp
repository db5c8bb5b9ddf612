#include "verify/verifier.hpp"

#include <openssl/rsa.h>

#include <algorithm>
#include <filesystem>

#include "asn1/der.hpp"
#include "cms/file_kind.hpp"
#include "cms/signed_policy.hpp"
#include "cms/signed_policy_reader.hpp"
#include "cms/signer_certificate.hpp"
#include "core/setting_name.hpp"
#include "crypto/chain.hpp"
#include "crypto/key_policy.hpp"
#include "policy/binary_reader.hpp"
#include "policy/naming.hpp"
#include "timestamp/token.hpp"
#include "verify/signer_authorization.hpp"

namespace cipolicy::verify {

namespace {

using cms::AlgorithmIdentifier;
using A = CheckArea;
using S = CheckStatus;

// SHA-256 TBS hash of "Microsoft Windows Production PCA 2011" (spec/signed-policy.md section 4).
constexpr std::string_view kWindowsPca2011Tbs =
    "4E80BE107C860DE896384B3EFF50504DC2D76AC7151DF3102A4450637A032146";

bool signed_by_microsoft_windows_pca(const std::vector<crypto::Certificate>& chain) {
    return std::any_of(chain.begin(), chain.end(), [](const crypto::Certificate& c) {
        try {
            return to_hex(c.tbs_hash()) == kWindowsPca2011Tbs;
        } catch (const Error&) {
            return false;
        }
    });
}

std::string not_signed_message(cms::FileKind kind) {
    switch (kind) {
        case cms::FileKind::policy_binary:
            return "not a signed policy (an unsigned policy binary: sign it with cipolicy sign)";
        case cms::FileKind::policy_xml:
            return "not a signed policy (policy XML: compile it with cipolicy compile, then sign "
                   "it with cipolicy sign)";
        case cms::FileKind::certificate:
            return "not a signed policy (a certificate: verify takes signed policies; give the "
                   "certificate with " +
                   setting_name("verify.root") + ")";
        case cms::FileKind::private_key:
        case cms::FileKind::pfx:
            return "not a signed policy (" + cms::describe(kind) + ": " +
                   cms::which_command_takes(kind) + ")";
        default:
            return "not a signed policy (neither a signed policy nor a policy binary)";
    }
}

class Verifier {
  public:
    Verifier(ByteView data, const std::string& file, const VerifyOptions& options)
        : data_(data), options_(options) {
        report_.file = file;
    }

    VerifyReport run() {
        try {
            check();
        } catch (const Error& e) {
            report_.add(A::structure, S::fail, "structure", e.what());
        }
        return std::move(report_);
    }

  private:
    void check() {
        cms::FileKind kind = cms::identify_file(data_);
        if (kind != cms::FileKind::signed_policy && kind != cms::FileKind::damaged_signed) {
            report_.add(A::structure, S::fail, "signed", not_signed_message(kind));
            return;
        }
        cms::SignedPolicyView v;
        try {
            v = cms::read_signed_policy(data_, report_.file);
        } catch (const Error& e) {
            // The reader names the file first; the report already says which file it is.
            std::string what = e.what();
            if (what.rfind(report_.file + ": ", 0) == 0)
                what = what.substr(report_.file.size() + 2);
            report_.add(A::structure, S::fail, "der", "the signed file is damaged: " + what);
            return;
        }
        report_.add(A::structure, S::pass, "der", "DER ContentInfo(signedData), nothing trailing");
        if (!check_envelope(v)) return;
        const cms::SignerInfoView& si = v.signers.front();
        auto digest = check_digest(v, si);
        std::vector<crypto::Certificate> certs = certificates(v);
        auto leaf = find_signer(si, certs);
        if (digest && v.content) check_signed_attributes(si, *digest, *v.content);
        if (leaf && digest) check_signature(si, *digest, *leaf);
        if (!leaf) return;
        SigningChain chain = check_chain(*leaf, certs);
        check_unsigned_attributes(si, *leaf);
        if (v.content) check_policy(*v.content, *leaf, chain);
    }

    bool check_envelope(const cms::SignedPolicyView& v) {
        if (v.version == 1)
            report_.add(A::structure, S::pass, "signeddata-version", "SignedData version 1");
        else
            report_.add(A::structure, S::fail, "signeddata-version",
                        "SignedData version is " + std::to_string(v.version) +
                            ", Windows requires 1 (version 3 is what .NET SignedCms and openssl "
                            "cms write; Windows builds before 'Nickel' reject it)");
        if (v.signers.size() != 1) {
            report_.add(
                A::structure, S::fail, "signer-count",
                "expected exactly one SignerInfo, found " + std::to_string(v.signers.size()));
            return false;
        }
        const auto& si = v.signers.front();
        if (si.version != 1 || !si.has_issuer_and_serial)
            report_.add(A::structure, S::fail, "signerinfo-version",
                        "the SignerInfo must be version 1 identified by issuer and serial number");
        if (v.content_type != cms::kCiPolicyContentOid)
            report_.add(A::structure, S::fail, "content-type",
                        "eContentType is " + v.content_type + ", expected " +
                            std::string(cms::kCiPolicyContentOid) + " (CI policy)");
        if (!v.content)
            report_.add(A::structure, S::fail, "content", "the policy content is not attached");
        if (v.content_type == cms::kCiPolicyContentOid && v.content)
            report_.add(A::structure, S::pass, "content", "CI policy content attached");
        if (v.has_crls)
            report_.add(A::structure, S::warn, "crls",
                        "the file carries CRLs (signtool writes none)");
        return true;
    }

    std::optional<crypto::DigestAlgorithm> check_digest(const cms::SignedPolicyView& v,
                                                        const cms::SignerInfoView& si) {
        auto alg = crypto::digest_from_oid(si.digest_algorithm.oid);
        if (!alg || *alg == crypto::DigestAlgorithm::sha1) {
            report_.add(
                A::signature, S::fail, "digest",
                "digest algorithm " + si.digest_algorithm.oid + " is not accepted (use SHA-256)");
            return std::nullopt;
        }
        report_.facts.digest = std::string(crypto::digest_name(*alg));
        bool listed = v.digest_algorithms.size() == 1 &&
                      v.digest_algorithms.front().oid == si.digest_algorithm.oid;
        if (!listed)
            report_.add(A::structure, S::fail, "digest-algorithms",
                        "SignedData must list exactly the signer's digest algorithm");
        bool nulls = si.digest_algorithm.params == AlgorithmIdentifier::Params::null &&
                     std::all_of(v.digest_algorithms.begin(), v.digest_algorithms.end(),
                                 [](const AlgorithmIdentifier& a) {
                                     return a.params == AlgorithmIdentifier::Params::null;
                                 });
        if (!nulls)
            report_.add(A::structure, S::fail, "digest-parameters",
                        "digest AlgorithmIdentifiers must carry explicit NULL parameters");
        if (*alg == crypto::DigestAlgorithm::sha256)
            report_.add(A::signature, S::pass, "digest", "SHA-256");
        else
            report_.add(A::signature, S::warn, "digest",
                        std::string(crypto::digest_name(*alg)) +
                            " is accepted only by Windows 11, and Windows 10 / Server 2019 or "
                            "later with the November 2022 update");
        return alg;
    }

    std::vector<crypto::Certificate> certificates(const cms::SignedPolicyView& v) {
        std::vector<crypto::Certificate> certs;
        for (std::size_t i = 0; i < v.certificates.size(); ++i) {
            try {
                certs.push_back(crypto::Certificate::from_der(
                    v.certificates[i], "certificate " + std::to_string(i + 1)));
            } catch (const Error& e) {
                report_.add(A::structure, S::fail, "certificates", e.what());
            }
        }
        for (const auto& c : certs) report_.facts.chain.push_back(c.subject());
        return certs;
    }

    std::optional<crypto::Certificate> find_signer(const cms::SignerInfoView& si,
                                                   const std::vector<crypto::Certificate>& certs) {
        if (const crypto::Certificate* c = cms::find_signer_certificate(si, certs)) {
            report_.facts.signer_subject = c->subject();
            report_.facts.signer_issuer = c->issuer();
            report_.facts.signer_serial = c->serial_hex();
            return *c;
        }
        report_.add(A::signature, S::fail, "signer-certificate",
                    "the signer's certificate (by issuer and serial number) is not in the file");
        return std::nullopt;
    }

    void check_signed_attributes(const cms::SignerInfoView& si, crypto::DigestAlgorithm alg,
                                 ByteView content) {
        if (!si.signed_attributes_raw) {
            report_.add(A::structure, S::fail, "signed-attributes",
                        "no signed attributes (contentType and messageDigest are required)");
            return;
        }
        bool content_type = false, digest_ok = false, digest_seen = false;
        for (const auto& a : si.signed_attributes) {
            if (a.oid == cms::kContentTypeAttrOid) {
                content_type =
                    a.values.size() == 1 && Bytes(a.values[0].begin(), a.values[0].end()) ==
                                                asn1::oid(cms::kCiPolicyContentOid);
            } else if (a.oid == cms::kMessageDigestAttrOid) {
                digest_seen = true;
                Bytes expected = asn1::octet_string(hash(alg, content));
                digest_ok = a.values.size() == 1 &&
                            Bytes(a.values[0].begin(), a.values[0].end()) == expected;
            } else {
                report_.add(A::structure, S::warn, "signed-attributes",
                            "unexpected signed attribute " + a.oid +
                                " (never seen in real signed policies)");
            }
        }
        if (!content_type)
            report_.add(A::structure, S::fail, "content-type-attribute",
                        "the contentType attribute is missing or differs from the eContentType");
        if (!digest_seen)
            report_.add(A::signature, S::fail, "message-digest", "no messageDigest attribute");
        else if (!digest_ok)
            report_.add(A::signature, S::fail, "message-digest",
                        "messageDigest does not match the policy content (content modified?)");
        else
            report_.add(A::signature, S::pass, "message-digest",
                        "messageDigest matches the content");
    }

    void check_signature(const cms::SignerInfoView& si, crypto::DigestAlgorithm alg,
                         const crypto::Certificate& leaf) {
        const std::string& sig_oid = si.signature_algorithm.oid;
        bool rsa_alg = sig_oid == cms::kRsaEncryptionOid || sig_oid == "1.2.840.113549.1.1.11" ||
                       sig_oid == "1.2.840.113549.1.1.12" || sig_oid == "1.2.840.113549.1.1.13";
        if (!rsa_alg) {
            report_.add(A::signature, S::fail, "signature-algorithm",
                        "signature algorithm " + sig_oid +
                            " is not RSA PKCS#1 v1.5 (ECDSA and PSS are not accepted)");
            return;
        }
        if (auto problem = crypto::policy_key_problem(leaf.public_key())) {
            report_.add(A::signature, S::fail, "signer-key", *problem);
            return;
        }
        if (!si.signed_attributes_raw) return;
        Bytes signed_bytes = cms::signed_attributes_for_signature(*si.signed_attributes_raw);
        crypto::ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
        EVP_PKEY_CTX* pctx = nullptr;
        bool ok = EVP_DigestVerifyInit(ctx.get(), &pctx, crypto::evp_md(alg), nullptr,
                                       leaf.public_key()) == 1 &&
                  EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
                  EVP_DigestVerify(ctx.get(), si.signature.data(), si.signature.size(),
                                   signed_bytes.data(), signed_bytes.size()) == 1;
        crypto::ossl::last_error();
        if (ok)
            report_.add(A::signature, S::pass, "signature",
                        "RSA-" + std::to_string(EVP_PKEY_get_bits(leaf.public_key())) +
                            " signature verifies with '" + leaf.common_name() + "'");
        else
            report_.add(A::signature, S::fail, "signature",
                        "the signature does not verify with the signer certificate '" +
                            leaf.common_name() + "' (signature or signed attributes modified?)");
    }

    // The chain Windows sees is what the file carries; --root only checks the anchor, and
    // extends the chain for messages that name a root the file leaves out.
    SigningChain check_chain(const crypto::Certificate& leaf,
                             const std::vector<crypto::Certificate>& certs) {
        SigningChain chain;
        chain.carried = crypto::order_chain(leaf, certs);
        std::vector<crypto::Certificate> pool = certs;
        pool.insert(pool.end(), options_.roots.begin(), options_.roots.end());
        std::vector<crypto::Certificate> known = crypto::order_chain(leaf, pool);
        for (const auto& c : known)
            if (std::none_of(certs.begin(), certs.end(),
                             [&](const crypto::Certificate& k) { return k.der() == c.der(); }))
                chain.beyond.push_back(c);
        chain.complete = known.back().is_self_issued();
        if (options_.roots.empty()) {
            report_.add(A::chain, S::info, "anchor",
                        "chain not checked against a root of yours (pass " +
                            setting_name("verify.root") +
                            " CERT to check that it ends at the root you expect)");
            return chain;
        }
        std::vector<crypto::Certificate> intermediates;
        for (const auto& c : certs)
            if (c.der() != leaf.der()) intermediates.push_back(c);
        if (auto problem = check_path(leaf, intermediates, options_.roots))
            report_.add(A::chain, S::fail, "anchor",
                        "the chain does not reach a supplied root: " + *problem);
        else
            report_.add(A::chain, S::pass, "anchor", "the chain reaches a supplied root");
        return chain;
    }

    // Windows does not apply validity dates to a policy's signature (docs/verify.md: Microsoft's
    // own driver policy is signed by a certificate that expired in 2018, with no timestamp, and
    // Windows loads it at every boot). Expiry is a note for other verifiers, never a failure.
    void note_validity(const crypto::Certificate& leaf, bool has_timestamp) {
        const bool expired = X509_cmp_current_time(X509_get0_notAfter(leaf.get())) < 0;
        int days = 0, seconds = 0;
        const bool short_lived = ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(leaf.get()),
                                                X509_get0_notAfter(leaf.get())) &&
                                 days <= 30;
        if (has_timestamp || (!expired && !short_lived)) return;
        report_.add(A::timestamp, S::info, "validity",
                    std::string(expired ? "the signing certificate expired on "
                                        : "the signing certificate is short-lived (valid until ") +
                        leaf.not_after() + (expired ? "" : ")") +
                        " and no timestamp records when it signed: Windows does not apply "
                        "validity dates to policy signatures and keeps loading the policy, but "
                        "other verifiers (signtool verify /pa) report it expired; add a "
                        "timestamp with cipolicy timestamp FILE while the certificate is valid");
    }

    void check_unsigned_attributes(const cms::SignerInfoView& si, const crypto::Certificate& leaf) {
        bool has_timestamp = cms::has_attribute(si.unsigned_attributes, cms::kTimestampAttrOid);
        note_validity(leaf, has_timestamp);
        for (const auto& a : si.unsigned_attributes) {
            if (a.oid == cms::kTimestampAttrOid)
                check_timestamp(si, a, leaf);
            else if (a.oid == cms::kCounterSignatureOid)
                report_.add(
                    A::timestamp, S::warn, "timestamp",
                    "a legacy PKCS#9 counter-signature (1.2.840.113549.1.9.6) is present "
                    "and not checked; Windows policies use RFC 3161 (1.3.6.1.4.1.311.3.3.1)");
            else
                report_.add(
                    A::structure, S::fail, "unsigned-attributes",
                    "unexpected unsigned attribute " + a.oid +
                        " (only the RFC 3161 timestamp 1.3.6.1.4.1.311.3.3.1 belongs here)");
        }
    }

    void check_timestamp(const cms::SignerInfoView& si, const cms::Attribute& a,
                         const crypto::Certificate& leaf) {
        if (a.values.size() != 1) {
            report_.add(A::timestamp, S::fail, "timestamp",
                        "the timestamp attribute must hold exactly one token");
            return;
        }
        timestamp::TokenExpectations expect{si.signature, &leaf, std::nullopt,
                                            options_.timestamp_roots};
        try {
            timestamp::TokenInfo info = timestamp::check_token(a.values[0], expect, "timestamp");
            report_.facts.timestamp = info.time;
            report_.add(A::timestamp, S::pass, "timestamp",
                        "RFC 3161 timestamp " + info.time + " by '" + info.tsa_subject + "'" +
                            (options_.timestamp_roots.empty() ? "" : ", anchored"));
        } catch (const Error& e) {
            report_.add(A::timestamp, S::fail, "timestamp", e.what());
        }
    }

    void check_policy(ByteView content, const crypto::Certificate& leaf,
                      const SigningChain& chain) {
        policy::Policy p;
        try {
            p = policy::read_policy_binary(content);
        } catch (const Error& e) {
            report_.add(A::structure, S::fail, "policy", std::string("inner policy: ") + e.what());
            return;
        }
        report_.facts.policy_id = p.policy_id().to_string();
        report_.facts.base_policy_id = p.base_policy_id().to_string();
        for (auto& f : check_signer_authorization(p, leaf, chain, options_.base))
            report_.findings.push_back(std::move(f));
        if (report_.has_failure(A::policy) && signed_by_microsoft_windows_pca(chain.carried))
            report_.add(A::policy, S::info, "microsoft-signed",
                        "signed through Microsoft Windows Production PCA 2011: Windows trusts its "
                        "in-box policies through Microsoft's signature, not UpdatePolicySigners; "
                        "a policy of your own must satisfy the rules above");
        if (options_.check_file_name) check_file_name(p);
    }

    void check_file_name(const policy::Policy& p) {
        std::string name = std::filesystem::path(report_.file).filename().string();
        std::string expected = policy::signed_file_name(p);
        auto fold = [](std::string s) {
            for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            return s;
        };
        if (fold(name) == fold(expected))
            report_.add(A::file_name, S::pass, "file-name", "file name is " + expected);
        else
            report_.add(A::file_name, S::warn, "file-name",
                        "Windows expects this policy to be deployed as " + expected);
    }

    ByteView data_;
    const VerifyOptions& options_;
    VerifyReport report_;
};

}  // namespace

VerifyReport verify_signed_policy(ByteView data, const std::string& file,
                                  const VerifyOptions& options) {
    return Verifier(data, file, options).run();
}

}  // namespace cipolicy::verify
