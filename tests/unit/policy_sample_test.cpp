// The built-in signable base policy, and the writer's refusal to write what it cannot store.

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "policy/binary_reader.hpp"
#include "policy/binary_writer.hpp"
#include "policy/sample_policy.hpp"
#include "policy_test_helpers.hpp"

using namespace cipolicy;
using namespace cipolicy::policy;
using Catch::Matchers::Contains;
using cipolicy::test::u32_at;

namespace {

std::string write_error(const Policy& p) {
    try {
        write_policy_binary(p);
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::input);
        return e.what();
    }
    FAIL("the writer accepted a policy it cannot store");
    return {};
}

}  // namespace

TEST_CASE("the signable base policy has the documented shape", "[policy]") {
    const Guid id = *Guid::parse("{11111111-2222-3333-4444-555555555555}");
    const Policy p = make_signable_base_policy(cipolicy::test::fake_tbs_hash(), id);
    CHECK(p.format_version == 8);
    CHECK(p.is_multiple_policy_format());
    CHECK(p.policy_id() == id);
    CHECK(p.base_policy_id() == id);
    CHECK(p.header_id() == id);
    CHECK_FALSE(p.is_supplemental());
    CHECK_FALSE(p.is_unsigned_policy_allowed());
    CHECK(rule_option_names(p.options.word()) ==
          std::vector<std::string>{"Enabled:UMCI", "Enabled:Allow Supplemental Policies",
                                   "Enabled:Audit Mode", "Enabled:Update Policy No Reboot"});
    CHECK(p.options.has(option_bit::always_set));

    REQUIRE(p.file_rules.size() == 2);
    for (const auto& r : p.file_rules) {
        CHECK(r.type == FileRuleType::allow);
        CHECK(r.file_name == utf8_to_utf16("*"));
    }
    REQUIRE(p.signing_scenarios.size() == 2);
    CHECK(p.signing_scenarios[0].value == kKernelModeScenario);
    CHECK(p.signing_scenarios[0].product_signers.file_rules_ref == std::vector<std::uint32_t>{0});
    CHECK(p.signing_scenarios[1].value == kUserModeScenario);
    CHECK(p.signing_scenarios[1].product_signers.file_rules_ref == std::vector<std::uint32_t>{1});

    const auto update = update_policy_signers(p);
    REQUIRE(update.size() == 1);
    CHECK(std::get<TbsRoot>(update[0].signer.root).tbs_hash == cipolicy::test::fake_tbs_hash());
    const auto supplemental = supplemental_policy_signers(p);
    REQUIRE(supplemental.size() == 1);
    CHECK(supplemental[0].index == 0);
}

TEST_CASE("the signable base policy round-trips", "[policy]") {
    const Policy p = cipolicy::test::sample_policy();
    const Bytes bytes = write_policy_binary(p);
    Policy back = read_policy_binary(bytes);
    CHECK(write_policy_binary(back) == bytes);
    // The binary keeps everything but XML names.
    Policy stripped = p;
    for (auto& r : stripped.file_rules) r.xml = {};
    for (auto& s : stripped.signers) s.xml = {};
    for (auto& s : stripped.signing_scenarios) s.xml = {};
    CHECK(back == stripped);
}

TEST_CASE("every field survives a write and read", "[policy]") {
    Policy p = cipolicy::test::sample_policy();
    p.ekus.push_back(
        {{}, Bytes{0x01, 0x0A, 0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0A, 0x03, 0x06}});
    p.ekus.push_back({{}, Bytes{0x01, 0x01, 0x2A}});  // padding after an odd length
    FileRule& r = p.file_rules[0];
    r.type = FileRuleType::deny;
    r.minimum_version = Version{{1, 2, 3, 4}};
    r.maximum_version = kMaxVersion;
    r.hash = Bytes{9, 8, 7};
    r.app_ids = {policy_string("one"), std::nullopt, policy_string("three")};
    r.internal_name = policy_string("internal");
    r.file_description = policy_string("descr\u00E9ption");
    r.product_name = policy_string("\U0001F600 product");
    r.package_family_name = policy_string("Contoso.App_8wekyb3d8bbwe");
    r.package_version = Version{{5, 6, 7, 8}};
    r.file_path = policy_string("%OSDRIVE%\\x\\*");
    r.file_name = std::u16string{u'\xD800', u'a'};  // unpaired surrogate: kept as code units
    FileRule attrib;
    attrib.type = FileRuleType::file_attrib;
    attrib.file_name = policy_string("a.exe");
    p.file_rules.push_back(attrib);
    SignerRule well_known;
    well_known.root = WellKnownRoot{14};
    well_known.cert_ekus = {1, 0};
    well_known.cert_issuer = policy_string("Issuer");
    well_known.cert_publisher = policy_string("Publisher");
    well_known.cert_oem_id = policy_string("OEM");
    well_known.file_attrib_refs = {2};
    well_known.sign_time_after = 0x01D9000000000000;
    p.signers.push_back(well_known);
    p.ci_signers = {1};
    p.supplemental_policy_signers = {0, 1};
    auto& user = p.signing_scenarios[1];
    user.inherited_scenarios = {0};
    user.minimum_hash_algorithm = 0x800D;
    user.product_signers.allowed = {{1, {0}}};
    user.product_signers.denied = {{0, {1, 2}}};
    user.test_signers.file_rules_ref = {2};
    user.test_signing_signers.allowed = {{0, {}}};
    p.hvci_options = 2;
    p.settings.push_back({policy_string("A"), policy_string("B"), policy_string("bool"), false});
    p.settings.push_back({policy_string("A"), policy_string("B"), policy_string("dword"), 7u});
    p.settings.push_back({policy_string("A"), policy_string("B"), policy_string("bin"), Bytes{1}});
    p.settings.push_back(
        {policy_string("A"), policy_string("B"), policy_string("none"), PolicyString{}});
    p.options.set(option_bit::supplemental);
    p.identity = MultiplePolicyFormat{*Guid::parse("{99999999-2222-3333-4444-555555555555}"),
                                      p.base_policy_id()};
    p.platform_id = Guid{};

    for (auto& rule : p.file_rules) rule.xml = {};
    for (auto& s : p.signers) s.xml = {};
    for (auto& s : p.signing_scenarios) s.xml = {};
    const Bytes bytes = write_policy_binary(p);
    const Policy back = read_policy_binary(bytes);
    CHECK(back == p);
    CHECK(back.is_supplemental());
    CHECK(back.policy_id() != back.base_policy_id());
    CHECK(write_policy_binary(back) == bytes);
}

TEST_CASE("older formats round-trip what they can store", "[policy]") {
    Policy p = cipolicy::test::sample_policy();
    for (auto& r : p.file_rules) r.xml = {};
    for (auto& s : p.signers) s.xml = {};
    for (auto& s : p.signing_scenarios) s.xml = {};
    p.supplemental_policy_signers.clear();
    p.identity = SinglePolicyFormat{*Guid::parse("{A244370E-44C9-4C06-B551-F6016E563076}")};
    for (std::uint32_t format = 1; format <= 8; ++format) {
        INFO("format " << format);
        p.format_version = format;
        const Bytes bytes = write_policy_binary(p);
        CHECK(u32_at(bytes, bytes.size() - 4) == format + 1);
        CHECK(read_policy_binary(bytes) == p);
    }
}

TEST_CASE("the writer refuses what the binary cannot hold", "[policy]") {
    Policy p = cipolicy::test::sample_policy();
    SECTION("an index past its table") {
        p.update_policy_signers = {1};
        CHECK(write_error(p) ==
              "policy: UpdatePolicySigners refers to signer index 1, but there are only 1");
    }
    SECTION("a scenario's file rule index") {
        p.signing_scenarios[0].product_signers.file_rules_ref = {2};
        CHECK_THAT(write_error(p), Contains("signing scenario 0 ProductSigners FileRulesRef refers "
                                            "to file rule index 2"));
    }
    SECTION("a CertEKU index") {
        p.signers[0].cert_ekus = {0};
        CHECK_THAT(write_error(p), Contains("signer 0 CertEKU refers to EKU index 0"));
    }
    SECTION("a present but empty string") {
        p.file_rules[1].internal_name = std::u16string{};
        CHECK_THAT(write_error(p), Contains("file rule 1 InternalName is present but empty"));
    }
    SECTION("multiple-policy format before format 6") {
        p.format_version = 5;
        p.supplemental_policy_signers.clear();
        CHECK_THAT(write_error(p),
                   Contains("format version 5 cannot store the multiple-policy format"));
    }
    SECTION("a FilePath before format 7") {
        p.format_version = 6;
        p.file_rules[0].file_path = policy_string("C:\\x");
        CHECK_THAT(write_error(p),
                   Contains("format version 6 cannot store file rule ID_ALLOW_A_1 FilePath (needs "
                            "format 7"));
    }
    SECTION("an unsupported format version") {
        p.format_version = 12;
        CHECK_THAT(write_error(p), Contains("format version 12 is not supported"));
    }
}
