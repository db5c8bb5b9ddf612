// Edits of policy XML (add-signer, set-option, set-version, set-id): what they change in the
// compiled policy, and that they leave the rest of the document as it was.

#include <catch2/catch.hpp>

#include <string>

#include "core/error.hpp"
#include "crypto/certificate.hpp"
#include "policy/binary_reader.hpp"
#include "policy/compiler.hpp"
#include "policy/eku_value.hpp"
#include "policy/policy_edits.hpp"
#include "policy/xml_edit.hpp"
#include "test_support.hpp"

using namespace cipolicy;
using namespace cipolicy::policy;

namespace {

const char* kPolicy =
    "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
    "<SiPolicy xmlns=\"urn:schemas-microsoft-com:sipolicy\" PolicyType=\"Base Policy\">\r\n"
    "  <VersionEx>10.0.0.0</VersionEx>\r\n"
    "  <!-- a comment the edits must keep -->\r\n"
    "  <PolicyTypeID>{A244370E-44C9-4C06-B551-F6016E563076}</PolicyTypeID>\r\n"
    "  <PlatformID>{2E07F7E4-194C-4D20-B7C9-6F44A6C5A234}</PlatformID>\r\n"
    "  <Rules>\r\n"
    "    <Rule>\r\n"
    "      <Option>Enabled:Unsigned System Integrity Policy</Option>\r\n"
    "    </Rule>\r\n"
    "  </Rules>\r\n"
    "  <EKUs />\r\n"
    "  <Signers />\r\n"
    "</SiPolicy>\r\n";

Policy compiled(const XmlSource& edited) {
    const XmlSource again("edited.xml", save_xml(edited));
    return read_policy_binary(compile_policy_xml(again));
}

SignerRuleRequest request(const Bytes& tbs) {
    SignerRuleRequest r;
    r.tbs_hash = tbs;
    r.name = "Test Root";
    r.update = true;
    return r;
}

}  // namespace

TEST_CASE("EKU values are the OID's DER with 01 for its tag", "[edits]") {
    CHECK(to_hex(oid_to_eku_value("1.3.6.1.5.5.7.3.3")) == "01082B06010505070303");
    CHECK(to_hex(oid_to_eku_value("1.3.6.1.4.1.311.10.3.6")) == "010A2B0601040182370A0306");
    CHECK(to_hex(oid_to_eku_value(
              "1.3.6.1.4.1.311.97.1.3.1.29433.35007.34545.16815.37291.11644.53265.56135")) ==
          "01222B0601040182376101030181E57982913F828D7181832F82A32BDA7C83A01183B647");
    CHECK_THROWS_AS(oid_to_eku_value("codeSigning"), Error);
    CHECK_THROWS_AS(oid_to_eku_value(""), Error);
}

TEST_CASE("setting the same version leaves the document byte for byte", "[edits]") {
    XmlSource source("p.xml", kPolicy, true);
    set_policy_version(source, Version{{10, 0, 0, 0}});
    CHECK(save_xml(source) == kPolicy);
}

TEST_CASE("set-option adds and removes Rule elements in the document's style", "[edits]") {
    XmlSource source("p.xml", kPolicy, true);
    const auto* audit = find_rule_option_by_number(3);
    CHECK(set_rule_option(source, *audit, true));
    CHECK_FALSE(set_rule_option(source, *audit, true));  // already there
    CHECK(set_rule_option(source, *find_rule_option_by_number(6), false));
    const std::string text = save_xml(source);
    CHECK(text.find("    <Rule>\r\n      <Option>Enabled:Audit Mode</Option>\r\n    </Rule>\r\n"
                    "  </Rules>") != std::string::npos);
    CHECK(text.find("Unsigned") == std::string::npos);
    CHECK(text.find("<!-- a comment the edits must keep -->") != std::string::npos);
    CHECK(text.find("  <EKUs />\r\n") != std::string::npos);
}

TEST_CASE("add-signer writes Add-SignerRule's XML and reuses what is there", "[edits]") {
    XmlSource source("p.xml", kPolicy, true);
    const Bytes tbs(32, 0xAB);
    auto r = request(tbs);
    r.supplemental = true;
    r.eku_oids = {"1.3.6.1.5.5.7.3.3"};
    const auto first = add_signer_rule(source, r);
    CHECK(first.signer_added);
    CHECK(first.signer_id == "ID_SIGNER_S_1");
    CHECK(first.eku_ids == std::vector<std::string>{"ID_EKU_E_1"});
    const auto second = add_signer_rule(source, r);
    CHECK_FALSE(second.signer_added);
    CHECK(second.signer_id == "ID_SIGNER_S_1");

    // Removing option 6 is what makes it signable; it now compiles without the bit.
    CHECK(compiled(source).options.has(option_bit::unsigned_policy));
    set_rule_option(source, *find_rule_option_by_number(6), false);
    const Policy p = compiled(source);
    CHECK_FALSE(p.options.has(option_bit::unsigned_policy));
    REQUIRE(p.signers.size() == 1);
    CHECK(std::get<TbsRoot>(p.signers[0].root).tbs_hash == tbs);
    CHECK(p.update_policy_signers == std::vector<std::uint32_t>{0});
    CHECK(p.supplemental_policy_signers == std::vector<std::uint32_t>{0});
    REQUIRE(p.ekus.size() == 1);
    CHECK(to_hex(p.ekus[0].value) == "01082B06010505070303");

    // A different EKU set is a different signer.
    auto other = request(tbs);
    other.update = true;
    CHECK(add_signer_rule(source, other).signer_id == "ID_SIGNER_S_2");
    const std::string text = save_xml(source);
    CHECK(text.find("  <Signers>\r\n    <Signer ID=\"ID_SIGNER_S_1\" Name=\"Test Root\">\r\n"
                    "      <CertRoot Type=\"TBS\" Value=\"" +
                    to_hex(tbs) +
                    "\" />\r\n"
                    "      <CertEKU ID=\"ID_EKU_E_1\" />\r\n    </Signer>\r\n") !=
          std::string::npos);
}

TEST_CASE("add-signer with the WOA KEK reproduces the WOA policy's CertRoot", "[oracle][edits]") {
    const auto kek =
        crypto::load_certificates(test::oracle("oracles/signed/WOA_OEMA0-KEK.der")).front();
    XmlSource source("p.xml", kPolicy, true);
    add_signer_rule(source, request(kek.tbs_hash()));
    const Policy ours = compiled(source);
    const Policy woa =
        read_policy_binary(test::read_bytes(test::oracle("oracles/compile/WOA_SiPolicy.bin")));
    REQUIRE(woa.update_policy_signers.size() == 1);
    CHECK(ours.signers.at(ours.update_policy_signers.at(0)).root ==
          woa.signers.at(woa.update_policy_signers[0]).root);
}

TEST_CASE("set-id resets, converts single format and makes supplementals", "[edits]") {
    XmlSource source("p.xml", kPolicy, true);
    const Guid a = Guid::parse("{11111111-2222-3333-4444-555555555555}").value();
    const Guid b = Guid::parse("{66666666-7777-8888-9999-AAAAAAAAAAAA}").value();
    auto ids = set_policy_ids(source, a, std::nullopt);
    CHECK(ids.policy_id == a);
    CHECK(ids.base_policy_id == a);  // a base policy's BasePolicyID follows
    const std::string text = save_xml(source);
    CHECK(text.find("<PolicyTypeID>") == std::string::npos);
    CHECK(text.find("  <PolicyID>{11111111-2222-3333-4444-555555555555}</PolicyID>\r\n"
                    "  <BasePolicyID>{11111111-2222-3333-4444-555555555555}</BasePolicyID>\r\n") !=
          std::string::npos);
    CHECK_THROWS_WITH(set_policy_ids(source, std::nullopt, a), Catch::Contains("--reset"));
    ids = set_policy_ids(source, b, a);
    CHECK(ids.policy_id == b);
    CHECK(ids.base_policy_id == a);
    const Policy p = compiled(source);
    CHECK(p.is_supplemental());
    CHECK(p.policy_id() == b);
    CHECK(p.base_policy_id() == a);
}
