// The signing pipeline and verify, in process: a development PKI, the sample policy, and the
// policy-rule checks (TBS match, CertEKU, supplemental signers, structural tampering).
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>

#include "asn1/der.hpp"
#include "cms/signed_policy.hpp"
#include "cms/signed_policy_parts.hpp"
#include "cms/signed_policy_reader.hpp"
#include "core/error.hpp"
#include "crypto/dev_pki.hpp"
#include "crypto/key_material.hpp"
#include "policy/binary_writer.hpp"
#include "policy/compiler.hpp"
#include "policy/sample_policy.hpp"
#include "policy/xml_writer.hpp"
#include "signing/local_key_signer.hpp"
#include "signing/sign_policy.hpp"
#include "throw_counter.hpp"
#include "verify/verifier.hpp"

using namespace cipolicy;
namespace fs = std::filesystem;

namespace {

struct DevSigner {
    crypto::DevPkiFiles files;
    crypto::Certificate root;
    std::unique_ptr<signing::LocalKeySigner> signer;
};

// One PKI for the whole run: RSA-3072 key generation is the slow part.
DevSigner& dev_signer() {
    static DevSigner s = [] {
        fs::path dir =
            fs::temp_directory_path() / ("cipolicy-unit-" + std::to_string(std::random_device{}()));
        crypto::DevPkiFiles f = crypto::create_dev_pki(dir, "Unit");
        crypto::Certificate root = crypto::load_certificates(f.root_cert).front();
        std::vector<crypto::Certificate> others = crypto::load_certificates(f.chain);
        crypto::KeyMaterial m{crypto::load_private_key(f.signer_key, {}),
                              crypto::load_certificates(f.signer_cert).front(), others};
        DevSigner out{f, root, std::make_unique<signing::LocalKeySigner>(std::move(m))};
        return out;
    }();
    return s;
}

Bytes policy_trusting(const crypto::Certificate& cert, std::vector<Bytes> ekus = {}) {
    policy::Policy p = policy::make_signable_base_policy(cert.tbs_hash(), policy::Guid::random());
    for (auto& value : ekus) {
        p.ekus.push_back({{}, value});
        for (auto idx : p.update_policy_signers)
            p.signers[idx].cert_ekus.push_back(static_cast<std::uint32_t>(p.ekus.size() - 1));
    }
    return policy::write_policy_binary(p);
}

verify::VerifyOptions with_root(const crypto::Certificate& root) {
    verify::VerifyOptions o;
    o.roots = {root};
    o.check_file_name = false;
    return o;
}

const verify::Finding* finding(const verify::VerifyReport& r, const std::string& check) {
    for (const auto& f : r.findings)
        if (f.check == check) return &f;
    return nullptr;
}

}  // namespace

TEST_CASE("a signed sample policy verifies and is deterministic", "[sign]") {
    DevSigner& s = dev_signer();
    Bytes policy = policy_trusting(s.root);
    signing::SignedPolicy a = signing::sign_policy(policy, "p.bin", *s.signer, {});
    signing::SignedPolicy b = signing::sign_policy(policy, "p.bin", *s.signer, {});
    CHECK(a.bytes == b.bytes);
    CHECK(a.warnings.empty());
    verify::VerifyReport r = verify::verify_signed_policy(a.bytes, "p.cip", with_root(s.root));
    CHECK(r.verdict() == verify::Verdict::valid);
    REQUIRE(finding(r, "update-signers"));
    CHECK(finding(r, "update-signers")->message.find("Unit Root CA") != std::string::npos);
}

TEST_CASE("a CertEKU the leaf has is accepted and one it lacks is refused by name", "[sign]") {
    DevSigner& s = dev_signer();
    Bytes code_signing;
    REQUIRE(from_hex("01082B06010505070303", code_signing));  // 1.3.6.1.5.5.7.3.3
    signing::SignedPolicy ok =
        signing::sign_policy(policy_trusting(s.root, {code_signing}), "p.bin", *s.signer, {});
    CHECK(verify::verify_signed_policy(ok.bytes, "p", with_root(s.root)).verdict() ==
          verify::Verdict::valid);

    Bytes windows_eku;
    REQUIRE(from_hex("010A2B0601040182370A0306", windows_eku));  // 1.3.6.1.4.1.311.10.3.6
    Bytes needs_other = policy_trusting(s.root, {windows_eku});
    CHECK_THROWS_WITH(signing::sign_policy(needs_other, "p.bin", *s.signer, {}),
                      Catch::Contains("requires EKU 1.3.6.1.4.1.311.10.3.6"));
    signing::SignSettings force;
    force.allow_unauthorized_signer = true;
    signing::SignedPolicy forced = signing::sign_policy(needs_other, "p.bin", *s.signer, force);
    REQUIRE(forced.warnings.size() == 1);
    verify::VerifyReport r = verify::verify_signed_policy(forced.bytes, "p", with_root(s.root));
    CHECK(r.verdict() == verify::Verdict::rules_unsatisfied);
}

TEST_CASE("an intermediate named by TBS authorizes, and a root named by TBS is carried", "[sign]") {
    DevSigner& s = dev_signer();
    crypto::Certificate intermediate = crypto::load_certificates(s.files.intermediate_pem).front();
    signing::SignedPolicy signed_policy =
        signing::sign_policy(policy_trusting(intermediate), "p.bin", *s.signer, {});
    verify::VerifyOptions no_root;
    no_root.check_file_name = false;
    verify::VerifyReport r = verify::verify_signed_policy(signed_policy.bytes, "p", no_root);
    CHECK(r.verdict() == verify::Verdict::valid);
    // signtool's certificate set: leaf and intermediate, no root.
    CHECK(cms::read_signed_policy(signed_policy.bytes, "p").certificates.size() == 2);
    // A policy naming the root gets the root in the file: Windows matches signer rules only
    // against the certificates the file carries, so verify needs no --root either.
    signing::SignedPolicy by_root =
        signing::sign_policy(policy_trusting(s.root), "p.bin", *s.signer, {});
    CHECK(cms::read_signed_policy(by_root.bytes, "p").certificates.size() == 3);
    CHECK(verify::verify_signed_policy(by_root.bytes, "p", no_root).verdict() ==
          verify::Verdict::valid);
    CHECK(verify::verify_signed_policy(by_root.bytes, "p", with_root(s.root)).verdict() ==
          verify::Verdict::valid);
}

TEST_CASE("a supplemental policy is checked against its base", "[sign]") {
    DevSigner& s = dev_signer();
    policy::Guid base_id = policy::Guid::random();
    policy::Policy base = policy::make_signable_base_policy(s.root.tbs_hash(), base_id);
    policy::Policy supp =
        policy::make_signable_base_policy(s.root.tbs_hash(), policy::Guid::random());
    auto& ids = std::get<policy::MultiplePolicyFormat>(supp.identity);
    ids.base_policy_id = base_id;
    supp.options.set(policy::option_bit::supplemental);
    supp.options.clear(policy::option_bit::allow_supplemental_policies);
    signing::SignedPolicy signed_supp =
        signing::sign_policy(policy::write_policy_binary(supp), "s.bin", *s.signer, {});

    verify::VerifyOptions o = with_root(s.root);
    verify::VerifyReport without_base = verify::verify_signed_policy(signed_supp.bytes, "s", o);
    REQUIRE(finding(without_base, "supplemental-signers"));
    CHECK(finding(without_base, "supplemental-signers")->status == verify::CheckStatus::info);

    o.base = base;
    CHECK(verify::verify_signed_policy(signed_supp.bytes, "s", o).verdict() ==
          verify::Verdict::valid);

    policy::Policy other_base =
        policy::make_signable_base_policy(s.root.tbs_hash(), policy::Guid::random());
    o.base = other_base;
    verify::VerifyReport wrong = verify::verify_signed_policy(signed_supp.bytes, "s", o);
    CHECK(wrong.verdict() == verify::Verdict::rules_unsatisfied);
    CHECK(finding(wrong, "supplemental-signers")->message.find("extends base") !=
          std::string::npos);
}

TEST_CASE("verify names a SignedData version 3", "[verify]") {
    DevSigner& s = dev_signer();
    signing::SignedPolicy good =
        signing::sign_policy(policy_trusting(s.root), "p.bin", *s.signer, {});
    // The first INTEGER 1 is SignedData's version. The signature does not cover it, so only the
    // structural check can catch it.
    Bytes v3 = good.bytes;
    Bytes pattern{0x02, 0x01, 0x01};
    auto pos = std::search(v3.begin(), v3.end(), pattern.begin(), pattern.end());
    REQUIRE(pos != v3.end());
    pos[2] = 3;
    verify::VerifyReport r = verify::verify_signed_policy(v3, "p", with_root(s.root));
    CHECK(r.verdict() == verify::Verdict::invalid);
    REQUIRE(finding(r, "signeddata-version"));
    CHECK(finding(r, "signeddata-version")->message.find("version is 3") != std::string::npos);
}

TEST_CASE("verify refuses an unsigned attribute that is not a timestamp", "[verify]") {
    DevSigner& s = dev_signer();
    Bytes policy = policy_trusting(s.root);
    signing::SignedPolicy good = signing::sign_policy(policy, "p.bin", *s.signer, {});
    cms::SignedPolicyView v = cms::read_signed_policy(good.bytes, "p");
    cms::SignedPolicyParts parts = cms::parts_of(v, "p");
    CHECK(cms::encode_signed_policy(parts) == good.bytes);
    parts.unsigned_attributes.push_back(
        asn1::sequence({asn1::oid("1.2.3.4"), asn1::set_of({asn1::null()})}));
    verify::VerifyReport r =
        verify::verify_signed_policy(cms::encode_signed_policy(parts), "p", with_root(s.root));
    CHECK(r.verdict() == verify::Verdict::invalid);
    REQUIRE(finding(r, "unsigned-attributes"));
    CHECK(finding(r, "unsigned-attributes")->message.find("1.2.3.4") != std::string::npos);
    // The signature itself still verifies: the attribute is outside what is signed.
    CHECK(finding(r, "signature")->status == verify::CheckStatus::pass);
}

namespace {

// Counts the signatures asked of a local key. With `chain_known` false it hides the chain until
// it signs, as a remote service does, so only what the policy alone decides can refuse early.
class CountingSigner final : public signing::Signer {
  public:
    CountingSigner(signing::Signer& inner, bool chain_known)
        : inner_(inner), chain_known_(chain_known) {}
    signing::SignatureResult sign_digest(crypto::DigestAlgorithm alg, ByteView digest) override {
        ++calls;
        return inner_.sign_digest(alg, digest);
    }
    std::vector<crypto::Certificate> trust_anchors() const override {
        return inner_.trust_anchors();
    }
    std::optional<std::vector<crypto::Certificate>> known_chain() const override {
        return chain_known_ ? inner_.known_chain() : std::nullopt;
    }
    std::string describe() const override { return inner_.describe(); }
    int calls = 0;

  private:
    signing::Signer& inner_;
    bool chain_known_;
};

Bytes with_unsigned_option(const crypto::Certificate& trusted) {
    policy::Policy p =
        policy::make_signable_base_policy(trusted.tbs_hash(), policy::Guid::random());
    p.options.set(policy::option_bit::unsigned_policy);
    return policy::write_policy_binary(p);
}

}  // namespace

TEST_CASE("a policy that will be refused is refused before anything is signed", "[sign]") {
    DevSigner& s = dev_signer();
    Bytes windows_eku;
    REQUIRE(from_hex("010A2B0601040182370A0306", windows_eku));  // 1.3.6.1.4.1.311.10.3.6
    const Bytes authorized = policy_trusting(s.root);
    const Bytes needs_other = policy_trusting(s.root, {windows_eku});
    const Bytes unsigned_option = with_unsigned_option(s.root);

    // A local key: its chain is known, so every signer rule is decided before signing.
    CountingSigner local(*s.signer, true);
    CHECK_THROWS_WITH(signing::sign_policy(needs_other, "p.bin", local, {}),
                      Catch::Contains("requires EKU 1.3.6.1.4.1.311.10.3.6"));
    CHECK_THROWS_WITH(signing::sign_policy(unsigned_option, "p.bin", local, {}),
                      Catch::Contains("Enabled:Unsigned System Integrity Policy"));
    CHECK(local.calls == 0);
    signing::SignedPolicy ok = signing::sign_policy(authorized, "p.bin", local, {});
    CHECK(local.calls == 1);
    CHECK(verify::verify_signed_policy(ok.bytes, "p", with_root(s.root)).verdict() ==
          verify::Verdict::valid);

    // A chain that comes only with the signature: option 6 still refuses first; the EKU rule
    // needs the certificate, so it is decided after signing, with the same message.
    CountingSigner remote(*s.signer, false);
    CHECK_THROWS_WITH(signing::sign_policy(unsigned_option, "p.bin", remote, {}),
                      Catch::Contains("Enabled:Unsigned System Integrity Policy"));
    CHECK(remote.calls == 0);
    CHECK_THROWS_WITH(signing::sign_policy(needs_other, "p.bin", remote, {}),
                      Catch::Contains("requires EKU 1.3.6.1.4.1.311.10.3.6"));
    CHECK(remote.calls == 1);

    // Overridden, both sign and warn once.
    signing::SignSettings force;
    force.allow_unsigned_option = true;
    signing::SignedPolicy forced = signing::sign_policy(unsigned_option, "p.bin", remote, force);
    CHECK(remote.calls == 2);
    REQUIRE(forced.warnings.size() == 1);
    CHECK(forced.warnings[0].code == WarningCode::unsigned_option);
}

TEST_CASE("a good policy is signed, verified and compiled without one exception", "[sign]") {
    if (!test::throws_counted()) {
        WARN("this link does not count exceptions (Linux with GNU ld only)");
        return;
    }
    DevSigner& s = dev_signer();
    const Bytes policy = policy_trusting(s.root);
    const std::size_t before = test::exceptions_thrown();
    const signing::SignedPolicy signed_policy =
        signing::sign_policy(policy, "p.bin", *s.signer, {});
    CHECK(verify::verify_signed_policy(signed_policy.bytes, "p.cip", with_root(s.root)).verdict() ==
          verify::Verdict::valid);
    const auto xml = policy::write_policy_xml(
        policy::make_signable_base_policy(s.root.tbs_hash(), policy::Guid::random()));
    CHECK(policy::compile_policy_xml(policy::XmlSource("p.xml", xml.text)).size() > 0);
    CHECK(test::exceptions_thrown() == before);
    // The counter counts: a refused input is one exception.
    CHECK_THROWS(signing::sign_policy(Bytes{0x30, 0x03, 0x02, 0x01}, "p.bin", *s.signer, {}));
    CHECK(test::exceptions_thrown() > before);
}
