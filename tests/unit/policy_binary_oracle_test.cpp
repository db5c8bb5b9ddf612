// Reading and writing Microsoft-made policy binaries: byte-identical round trips, and fields that
// match what reference/cipparse.py reports for the same files.

#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include "policy/binary_reader.hpp"
#include "policy/binary_writer.hpp"
#include "policy/policy_types.hpp"
#include "policy_oracle_support.hpp"
#include "test_support.hpp"

using namespace cipolicy;
using namespace cipolicy::policy;
using cipolicy::test::oracle;
using cipolicy::test::read_bytes;

namespace {

Policy read_oracle(const std::string& relative) {
    return read_policy_binary(read_bytes(oracle("oracles/" + relative)));
}

Guid guid(const char* text) {
    return Guid::parse(text).value();
}

std::string utf8(const PolicyString& s) {
    return s ? utf16_to_utf8(*s) : "<absent>";
}

const Guid kEnterprise = guid("{A244370E-44C9-4C06-B551-F6016E563076}");
const Guid kPlatform = guid("{2E07F7E4-194C-4D20-B7C9-6F44A6C5A234}");

}  // namespace

TEST_CASE("every oracle policy binary round-trips byte for byte", "[oracle][policy]") {
    const auto policies = cipolicy::test::oracle_policies();
    REQUIRE(policies.size() == 8);
    for (const auto& o : policies) {
        INFO(o.name);
        const Policy p = read_policy_binary(o.binary);
        const Bytes written = write_policy_binary(p);
        CHECK(written.size() == o.binary.size());
        CHECK(written == o.binary);
        // And the model itself survives: nothing is read into a field the writer ignores.
        CHECK(read_policy_binary(written) == p);
    }
}

TEST_CASE("the WOA binary is the content of the signed WOA file", "[oracle][policy]") {
    CHECK(cipolicy::test::signed_oracle_content("signed/WOA_Andromeda_SiPolicy.p7b") ==
          read_bytes(oracle("oracles/compile/WOA_SiPolicy.bin")));
}

TEST_CASE("driver block list fields match cipparse", "[oracle][policy]") {
    const Policy p = read_oracle("compile/SiPolicy_Enforced.bin");
    CHECK(p.format_version == 8);
    CHECK_FALSE(p.is_multiple_policy_format());
    CHECK(p.header_id() == kEnterprise);
    CHECK(p.policy_id() == kEnterprise);
    CHECK(p.base_policy_id() == kEnterprise);
    CHECK(p.platform_id == kPlatform);
    CHECK(p.options.word() == 0x91880000);
    CHECK(p.is_unsigned_policy_allowed());
    CHECK_FALSE(p.is_supplemental());
    CHECK(p.version.to_string() == "10.0.27825.0");
    CHECK(p.ekus.empty());
    REQUIRE(p.file_rules.size() == 1869);
    REQUIRE(p.signers.size() == 217);
    REQUIRE(p.signing_scenarios.size() == 2);

    const FileRule& first = p.file_rules.front();
    CHECK(first.type == FileRuleType::deny);
    CHECK_FALSE(first.file_name);
    CHECK(first.minimum_version == kMaxVersion);
    CHECK(to_hex(first.hash) == "000E984D3EEBC54259A24A17745EED07D9C3658B86462CB5EBC26381302F7A38");
    const FileRule& last = p.file_rules.back();
    CHECK(last.type == FileRuleType::file_attrib);
    CHECK(utf8(last.file_name) == "ZAM.exe");
    CHECK(last.maximum_version == kMaxVersion);
    CHECK(p.file_rules[1704].maximum_version.to_string() == "5.4.11.1");

    const SignerRule& s0 = p.signers.front();
    REQUIRE(std::holds_alternative<TbsRoot>(s0.root));
    CHECK(to_hex(std::get<TbsRoot>(s0.root).tbs_hash) ==
          "4843A82ED3B1F2BFBEE9671960E1940C942F688D");
    REQUIRE(s0.file_attrib_refs.size() == 39);
    CHECK(s0.file_attrib_refs.front() == 1727);
    CHECK(s0.file_attrib_refs.back() == 1867);
    CHECK(utf8(p.signers[3].cert_oem_id) == "Cheat Engine");

    const SigningScenario& kernel = p.signing_scenarios[0];
    CHECK(kernel.value == kKernelModeScenario);
    CHECK(kernel.minimum_hash_algorithm == kSha256HashAlgorithm);
    CHECK(kernel.product_signers.allowed.empty());
    CHECK(kernel.product_signers.denied.size() == 214);
    CHECK(kernel.product_signers.file_rules_ref.size() == 1720);
    CHECK(p.signing_scenarios[1].value == kUserModeScenario);
    CHECK(p.signing_scenarios[1].product_signers.file_rules_ref.size() == 1);

    REQUIRE(p.settings.size() == 2);
    CHECK(utf8(p.settings[0].provider) == "PolicyInfo");
    CHECK(utf8(p.settings[0].key) == "Information");
    CHECK(utf8(p.settings[0].value_name) == "Id");
    CHECK(utf8(std::get<PolicyString>(p.settings[0].value)) == "10.0.27825.0");
    CHECK(utf8(std::get<PolicyString>(p.settings[1].value)) ==
          "Microsoft Windows Driver Policy - Enforced");

    CHECK(read_oracle("compile/SiPolicy_Audit.bin").options.word() == 0x91890000);
}

TEST_CASE("WOA policy fields match cipparse and its update signer is the KEK", "[oracle][policy]") {
    const Policy p = read_oracle("compile/WOA_SiPolicy.bin");
    CHECK(p.format_version == 7);
    CHECK_FALSE(p.is_multiple_policy_format());
    CHECK(p.policy_id() == kEnterprise);
    CHECK(policy_type_name(p.header_id()) == "Enterprise");
    CHECK(p.options.word() == 0x91840400);
    CHECK_FALSE(p.is_unsigned_policy_allowed());
    CHECK(p.version == Version{{10, 0, 3, 0}});
    REQUIRE(p.ekus.size() == 8);
    CHECK(to_hex(p.ekus[0].value) == "010A2B0601040182370A0306");
    CHECK(to_hex(p.ekus[7].value) == "010A2B0601040182374C0B01");
    REQUIRE(p.signers.size() == 39);
    CHECK(p.update_policy_signers == std::vector<std::uint32_t>{33});
    CHECK(p.ci_signers == std::vector<std::uint32_t>{20, 33, 38, 34});
    CHECK(p.supplemental_policy_signers == std::vector<std::uint32_t>{33});

    CHECK(std::get<WellKnownRoot>(p.signers[0].root).id == 6);
    CHECK(p.signers[0].cert_ekus == std::vector<std::uint32_t>{0});
    CHECK(std::get<WellKnownRoot>(p.signers[11].root).id == 14);
    CHECK(utf8(p.signers[30].cert_publisher) == "Microsoft Corporation");
    CHECK(p.signers[30].file_attrib_refs == std::vector<std::uint32_t>{0});

    REQUIRE(p.file_rules.size() == 1);
    CHECK(p.file_rules[0].type == FileRuleType::file_attrib);
    CHECK(utf8(p.file_rules[0].file_name) == "RefreshPolicy.exe");
    CHECK(p.file_rules[0].minimum_version.to_string() == "10.0.19042.0");
    CHECK(p.signing_scenarios[0].product_signers.allowed.size() == 17);
    CHECK(p.signing_scenarios[1].product_signers.allowed.size() == 27);
    CHECK(utf8(std::get<PolicyString>(p.settings[1].value)) == "DefaultWindowsOnAndromedaEnforced");

    // The signed file was signed with the KEK certificate: its TBS hash is the UpdatePolicySigner.
    const Bytes kek = read_bytes(oracle("oracles/signed/WOA_OEMA0-KEK.der"));
    REQUIRE(kek.size() > 8);
    REQUIRE(kek[4] == 0x30);
    REQUIRE(kek[5] == 0x82);
    const std::size_t tbs_len = 4 + (std::size_t{kek[6]} << 8 | kek[7]);
    REQUIRE(4 + tbs_len <= kek.size());
    Bytes digest(32);
    REQUIRE(EVP_Digest(kek.data() + 4, tbs_len, digest.data(), nullptr, EVP_sha256(), nullptr) ==
            1);
    const auto update = update_policy_signers(p);
    REQUIRE(update.size() == 1);
    CHECK(update[0].index == 33);
    CHECK(std::get<TbsRoot>(update[0].signer.root).tbs_hash == digest);
    CHECK(update[0].eku_values.empty());
    CHECK(to_hex(digest) == "7C0B043D1E5C1DFC540235C0CA86FEBDD784F6ADE952FD021670FD905F93EFF7");

    // Signer 20 is the one CiSigner with a CertEKU on a TBS root.
    CHECK(to_hex(std::get<TbsRoot>(p.signers[20].root).tbs_hash) ==
          "FC9EDE3DCCA09186B2D3BF9B738A2050CB1A554DA2DCADB55F3F72EE17721378");
    CHECK(p.signers[20].cert_ekus == std::vector<std::uint32_t>{5});
}

TEST_CASE("sample binaries' fields match cipparse", "[oracle][policy]") {
    SECTION("Krueger: 9 EKUs, FilePath and InternalName") {
        const Policy p = read_oracle("samples/Krueger_SiPolicy.bin");
        CHECK(p.format_version == 7);
        CHECK(p.options.word() == 0x928C2804);
        CHECK(p.ekus.size() == 9);
        CHECK(to_hex(p.ekus[8].value) == "010A2B0601040182370A032A");
        CHECK(p.signers.size() == 32);
        CHECK(p.ci_signers == std::vector<std::uint32_t>{21});
        REQUIRE(p.file_rules.size() == 6);
        CHECK(utf8(p.file_rules[3].file_name) == "CSAgent.sys");
        CHECK(utf8(p.file_rules[3].internal_name) == "CSAgent.sys");
        CHECK(utf8(p.file_rules[4].file_path) == "%OSDRIVE%\\Users\\Public\\*");
        CHECK_FALSE(p.file_rules[4].file_name);
    }
    SECTION("WDAC Toolkit: an unknown shared GUID reads as multiple-policy format") {
        const Policy p = read_oracle("samples/WDACToolkit_test.bin");
        CHECK(p.is_multiple_policy_format());
        CHECK(p.policy_id() == guid("{784c4414-79f4-4c32-a6a5-f0fb42a51d0d}"));
        CHECK(p.base_policy_id() == p.policy_id());
        CHECK(p.options.word() == 0x82890000);
        CHECK(p.file_rules.size() == 36);
        CHECK(utf8(p.file_rules[0].product_name) == "*");
        CHECK(utf8(p.file_rules.back().file_name) == "TOTALCMD64.EXE");
        CHECK(p.file_rules.back().maximum_version.to_string() == "8.5.1.1");
        CHECK(std::get<WellKnownRoot>(p.signers[0].root).id == 0);
        CHECK(utf8(p.signers[0].cert_publisher) == "KOBIL SYSTEMS GMBH");
        CHECK(p.signing_scenarios[1].product_signers.allowed.size() == 17);
        CHECK(p.signing_scenarios[1].product_signers.denied.size() == 19);
        CHECK(p.settings.empty());
    }
    SECTION("AllowAll: two '*' Allow rules, one per scenario") {
        const Policy p = read_oracle("samples/HBKmon_AllowAll_unsigned.bin");
        CHECK(p.options.word() == 0x90880004);
        CHECK(p.version.to_string() == "1.0.1.0");
        REQUIRE(p.file_rules.size() == 2);
        for (const auto& r : p.file_rules) {
            CHECK(r.type == FileRuleType::allow);
            CHECK(utf8(r.file_name) == "*");
        }
        CHECK(p.signing_scenarios[0].product_signers.file_rules_ref ==
              std::vector<std::uint32_t>{0});
        CHECK(p.signing_scenarios[1].product_signers.file_rules_ref ==
              std::vector<std::uint32_t>{1});
    }
    SECTION("HBKmon driver policy: format 5, Driver PolicyTypeID") {
        const Policy p = read_policy_binary(
            cipolicy::test::signed_oracle_content("signed/HBKmon_driversipolicy.p7b"));
        CHECK(p.format_version == 5);
        CHECK_FALSE(p.is_multiple_policy_format());
        CHECK(policy_type_name(p.header_id()) == "Driver");
        CHECK(p.options.word() == 0x80880000);
        CHECK(p.version.to_string() == "10.0.17689.0");
        CHECK(p.file_rules.size() == 16);
        CHECK(p.signers.size() == 10);
        CHECK(utf8(p.signers[0].cert_publisher) == "CPUID");
        CHECK(p.file_rules.back().maximum_version.to_string() == "10.12.0.0");
        CHECK(p.signing_scenarios[0].product_signers.denied.size() == 10);
    }
}
