// The rule option table: XML names, Set-RuleOption numbers and header bits agree.

#include <catch2/catch.hpp>

#include <set>

#include "policy/options.hpp"
#include "policy/policy_types.hpp"

using namespace cipolicy::policy;

TEST_CASE("the Unsigned option is number 6 and bit 0x80000", "[policy]") {
    const auto* by_name = find_rule_option("Enabled:Unsigned System Integrity Policy");
    REQUIRE(by_name);
    CHECK(by_name->number == 6);
    CHECK(by_name->bit == 0x80000);
    CHECK(by_name->bit == option_bit::unsigned_policy);
    CHECK(find_rule_option_by_number(6) == by_name);
    CHECK(find_rule_option_by_bit(0x80000) == by_name);
}

TEST_CASE("Set-RuleOption numbers map to the documented options", "[policy]") {
    const std::pair<int, const char*> documented[] = {
        {0, "Enabled:UMCI"},
        {1, "Enabled:Boot Menu Protection"},
        {2, "Required:WHQL"},
        {3, "Enabled:Audit Mode"},
        {4, "Disabled:Flight Signing"},
        {5, "Enabled:Inherit Default Policy"},
        {6, "Enabled:Unsigned System Integrity Policy"},
        {8, "Required:EV Signers"},
        {9, "Enabled:Advanced Boot Options Menu"},
        {10, "Enabled:Boot Audit On Failure"},
        {11, "Disabled:Script Enforcement"},
        {12, "Required:Enforce Store Applications"},
        {13, "Enabled:Managed Installer"},
        {14, "Enabled:Intelligent Security Graph Authorization"},
        {15, "Enabled:Invalidate EAs on Reboot"},
        {16, "Enabled:Update Policy No Reboot"},
        {17, "Enabled:Allow Supplemental Policies"},
        {18, "Disabled:Runtime FilePath Rule Protection"},
        {19, "Enabled:Dynamic Code Security"},
        {20, "Enabled:Revoked Expired As Unsigned"},
    };
    for (const auto& [number, name] : documented) {
        INFO(number << " " << name);
        const auto* o = find_rule_option_by_number(number);
        REQUIRE(o);
        CHECK(o->xml_name == name);
    }
    // 7 ("Allowed:Debug Policy Augmented") has no bit and no schema name.
    CHECK_FALSE(find_rule_option_by_number(7));
    CHECK_FALSE(find_rule_option_by_number(21));
}

TEST_CASE("bits match the spec and are distinct", "[policy]") {
    CHECK(find_rule_option("Enabled:UMCI")->bit == 0x4);
    CHECK(find_rule_option("Enabled:Audit Mode")->bit == 0x10000);
    CHECK(find_rule_option("Enabled:Update Policy No Reboot")->bit == 0x10000000);
    CHECK(find_rule_option("Enabled:Allow Supplemental Policies")->bit == 0x400);
    CHECK(find_rule_option("Enabled:Conditional Windows Lockdown Policy")->bit == 0x20000000);
    CHECK(find_rule_option("Enabled:Windows Lockdown Trial Mode")->number == std::nullopt);
    CHECK_FALSE(find_rule_option("enabled:umci"));  // the schema is case-sensitive
    std::set<std::uint32_t> bits;
    std::set<std::string_view> names;
    for (const auto& o : rule_options()) {
        CHECK(o.bit != 0);
        CHECK((o.bit & (o.bit - 1)) == 0);  // one bit each
        CHECK((o.bit & (option_bit::always_set | option_bit::supplemental)) == 0);
        bits.insert(o.bit);
        names.insert(o.xml_name);
        CHECK(find_rule_option(o.xml_name) == &o);
    }
    CHECK(bits.size() == rule_options().size());
    CHECK(names.size() == rule_options().size());
    CHECK(rule_options().size() == 24);  // the schema's enumeration
}

TEST_CASE("option words list their names, unknown bits in hex", "[policy]") {
    // The driver block list: Unsigned, Advanced Boot Options Menu, Script Enforcement, Update
    // Policy No Reboot, plus the always-set bit.
    CHECK(rule_option_names(0x91880000) ==
          std::vector<std::string>{
              "Enabled:Unsigned System Integrity Policy", "Enabled:Advanced Boot Options Menu",
              "Disabled:Script Enforcement", "Enabled:Update Policy No Reboot"});
    CHECK(rule_option_names(0xC0000200) == std::vector<std::string>{"0x00000200"});
    CHECK(rule_option_names(0x80000000).empty());
}

TEST_CASE("known policy types", "[policy]") {
    CHECK(policy_type_name(*Guid::parse("{a244370e-44c9-4c06-b551-f6016e563076}")) == "Enterprise");
    CHECK(policy_type_name(*Guid::parse("{D2BDA982-CCF6-4344-AC5B-0B44427B6816}")) == "Driver");
    CHECK_FALSE(policy_type_name(Guid{}));
    CHECK(policy_type_by_name("driver") == Guid::parse("{D2BDA982-CCF6-4344-AC5B-0B44427B6816}"));
    CHECK(enterprise_policy_type().to_string() == "{A244370E-44C9-4C06-B551-F6016E563076}");
    for (const auto& t : known_policy_types()) CHECK(Guid::parse(t.guid));
}
