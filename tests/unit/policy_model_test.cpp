// The model's value types and the queries signing code relies on.

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "policy/guid.hpp"
#include "policy/model.hpp"
#include "policy/text.hpp"
#include "policy/version.hpp"
#include "policy_test_helpers.hpp"

using namespace cipolicy;
using namespace cipolicy::policy;

TEST_CASE("GUIDs use .NET ToByteArray order", "[policy]") {
    const auto g = Guid::parse("{A244370E-44C9-4C06-B551-F6016E563076}");
    REQUIRE(g);
    // As at offset 4 of every Enterprise policy binary.
    CHECK(to_hex(Bytes(g->bytes().begin(), g->bytes().end())) ==
          "0E3744A2C944064CB551F6016E563076");
    CHECK(g->to_string() == "{A244370E-44C9-4C06-B551-F6016E563076}");
    CHECK(Guid::parse("a244370e-44c9-4c06-b551-f6016e563076") == g);
    CHECK(Guid::from_bytes(Bytes(g->bytes().begin(), g->bytes().end())) == *g);
    CHECK(Guid{}.is_nil());
    CHECK_FALSE(g->is_nil());
    for (const char* bad :
         {"", "{A244370E-44C9-4C06-B551-F6016E563076", "A244370E44C94C06B551F6016E563076",
          "{A244370E-44C9-4C06-B551-F6016E56307G}", "{A244370E-44C9-4C06-B551+F6016E563076}",
          "(A244370E-44C9-4C06-B551-F6016E563076)"})
        CHECK_FALSE(Guid::parse(bad));
    CHECK_THROWS_AS(Guid::from_bytes(Bytes(15)), Error);
}

TEST_CASE("random GUIDs are version 4 and differ", "[policy]") {
    const Guid a = Guid::random(), b = Guid::random();
    CHECK(a != b);
    const std::string text = a.to_string();
    CHECK(text[15] == '4');
    CHECK(std::string("89AB").find(text[20]) != std::string::npos);
}

TEST_CASE("versions", "[policy]") {
    const auto v = Version::parse("10.0.27825.0");
    REQUIRE(v);
    CHECK(v->to_u64() == (std::uint64_t{10} << 48 | std::uint64_t{27825} << 16));
    CHECK(Version::from_u64(v->to_u64()) == *v);
    CHECK(v->to_string() == "10.0.27825.0");
    CHECK(Version::parse("65535.65535.65535.65535") == kMaxVersion);
    for (const char* bad :
         {"", "1.2.3", "1.2.3.4.5", "1.2.3.65536", "1..2.3", "1.2.3.4 ", "a.b.c.d", "1.2.3.000001"})
        CHECK_FALSE(Version::parse(bad));
}

TEST_CASE("UTF-8 and UTF-16 conversion", "[policy]") {
    CHECK(utf8_to_utf16("a\u00E9\U0001F600") == u"a\u00E9\U0001F600");
    CHECK(utf16_to_utf8(u"a\u00E9\U0001F600") == "a\u00E9\U0001F600");
    CHECK(utf16_to_utf8(std::u16string{u'\xD800'}) == "\uFFFD");
    CHECK_THROWS_AS(utf8_to_utf16("\xC0\x80"), Error);      // overlong
    CHECK_THROWS_AS(utf8_to_utf16("\xED\xA0\x80"), Error);  // surrogate
    CHECK_THROWS_AS(utf8_to_utf16("\xE2\x82"), Error);      // truncated
}

TEST_CASE("rule options keep the raw word", "[policy]") {
    RuleOptions o;
    CHECK(o.word() == 0x80000000);
    o.set(option_bit::unsigned_policy | option_bit::umci);
    CHECK(o.has(option_bit::unsigned_policy));
    CHECK(o.has(option_bit::unsigned_policy | option_bit::umci));
    o.clear(option_bit::umci);
    CHECK_FALSE(o.has(option_bit::unsigned_policy | option_bit::umci));
    CHECK(o.word() == 0x80080000);
    Policy p;
    p.options = RuleOptions(0x40000000);
    CHECK(p.is_supplemental());
    CHECK_FALSE(p.is_unsigned_policy_allowed());
}

TEST_CASE("policy identity keeps header and IDs consistent", "[policy]") {
    const Guid type = *Guid::parse("{A244370E-44C9-4C06-B551-F6016E563076}");
    const Guid id = *Guid::parse("{B5C8D1E7-A920-4E0C-BD86-783BB59C145E}");
    const Guid base = *Guid::parse("{E0ABDA1F-CCF0-468E-8855-3E0F08B02D6A}");
    Policy p;
    p.identity = SinglePolicyFormat{type};
    CHECK(p.header_id() == type);
    CHECK(p.policy_id() == type);
    CHECK(p.base_policy_id() == type);
    p.identity = MultiplePolicyFormat{id, base};
    CHECK(p.header_id() == base);
    CHECK(p.policy_id() == id);
    CHECK(p.base_policy_id() == base);
}

TEST_CASE("authorized signers carry their roots and EKU values", "[policy]") {
    Policy p = cipolicy::test::sample_policy();
    p.ekus = {{{}, Bytes{0x01, 0x03, 0x2B, 0x06, 0x01}}, {{}, Bytes{0x01, 0x01, 0x2A}}};
    p.signers[0].cert_ekus = {1, 0};
    auto update = update_policy_signers(p);
    REQUIRE(update.size() == 1);
    CHECK(update[0].eku_values ==
          std::vector<Bytes>{Bytes{0x01, 0x01, 0x2A}, Bytes{0x01, 0x03, 0x2B, 0x06, 0x01}});
    p.update_policy_signers = {3};
    CHECK_THROWS_AS(update_policy_signers(p), Error);
    p.supplemental_policy_signers = {0};
    p.signers[0].cert_ekus = {2};
    CHECK_THROWS_AS(supplemental_policy_signers(p), Error);
}

TEST_CASE("EKU values convert to DER OIDs", "[policy]") {
    // 1.3.6.1.4.1.311.10.3.6 (Windows System Component Verification).
    Bytes value;
    REQUIRE(from_hex("010A2B0601040182370A0306", value));
    CHECK(to_hex(eku_value_to_oid_der(value)) == "060A2B0601040182370A0306");
    Bytes long_value{0x01, 0x80};
    long_value.resize(2 + 0x80, 0x01);
    const Bytes der = eku_value_to_oid_der(long_value);
    CHECK(der[0] == 0x06);
    CHECK(der[1] == 0x81);
    CHECK(der[2] == 0x80);
    CHECK(der.size() == 3 + 0x80);
    for (const Bytes& bad : {Bytes{}, Bytes{0x01, 0x00}, Bytes{0x06, 0x01, 0x2A},
                             Bytes{0x01, 0x02, 0x2A}, Bytes{0x01, 0x01, 0x2A, 0x00}})
        CHECK_THROWS_AS(eku_value_to_oid_der(bad), Error);
}
