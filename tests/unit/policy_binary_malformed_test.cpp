// Hostile and damaged policy binaries: every failure is a one-line Error(input) naming the offset
// and the problem, never a crash, a hang or a huge allocation.

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "policy/binary_cursor.hpp"
#include "policy/binary_reader.hpp"
#include "policy/binary_writer.hpp"
#include "policy_oracle_support.hpp"
#include "policy_test_helpers.hpp"
#include "test_support.hpp"

using namespace cipolicy;
using namespace cipolicy::policy;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using cipolicy::test::find_unique;
using cipolicy::test::put_u32;
using cipolicy::test::read_error;
using cipolicy::test::u32_at;

namespace {

// Every proper prefix must be rejected with an offset-naming Error.
void check_prefixes(const Bytes& whole, std::size_t step = 1) {
    for (std::size_t n = 0; n < whole.size(); n += step) {
        const Bytes prefix(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(n));
        try {
            read_policy_binary(prefix);
            FAIL("prefix of " << n << " bytes was accepted");
        } catch (const Error& e) {
            if (e.code() != ExitCode::input) FAIL("prefix " << n << ": wrong exit code");
            if (std::string(e.what()).rfind("policy binary: offset 0x", 0) != 0)
                FAIL("prefix " << n << ": " << e.what());
        }
    }
}

// Deterministic corruption: whatever the reader accepts, the writer must give back unchanged
// (so nothing was silently normalised), and whatever it rejects must be rejected with an Error.
void check_corruptions(const Bytes& original, int rounds) {
    std::uint32_t state = 12345;
    auto next = [&] {
        state = state * 1103515245u + 12345u;
        return state >> 8;
    };
    int accepted = 0;
    for (int round = 0; round < rounds; ++round) {
        Bytes data = original;
        const int flips = 1 + static_cast<int>(next() % 4);
        for (int k = 0; k < flips; ++k) {
            const std::size_t at = next() % data.size();
            // Mostly bit flips; sometimes a whole byte, often making a huge count or length.
            data[at] ^= (next() % 3 == 0) ? 0xFF : static_cast<std::uint8_t>(1u << (next() % 8));
        }
        try {
            const Policy p = read_policy_binary(data);
            ++accepted;
            if (write_policy_binary(p) != data)
                FAIL("accepted corruption in round " << round << " does not round-trip");
        } catch (const Error& e) {
            if (e.code() != ExitCode::input) FAIL("round " << round << ": " << e.what());
        }
    }
    // Corrupting strings' text or versions is harmless: some rounds should be accepted.
    CHECK(accepted > 0);
    CHECK(accepted < rounds);
}

Bytes guid_bytes(const Guid& g) {
    return Bytes(g.bytes().begin(), g.bytes().end());
}

}  // namespace

TEST_CASE("every prefix of a sample policy is rejected", "[policy]") {
    const Bytes whole = write_policy_binary(cipolicy::test::sample_policy());
    check_prefixes(whole);
    CHECK_NOTHROW(read_policy_binary(whole));
}

TEST_CASE("every prefix of oracle binaries is rejected", "[oracle][policy]") {
    using cipolicy::test::oracle;
    using cipolicy::test::read_bytes;
    check_prefixes(read_bytes(oracle("oracles/compile/WOA_SiPolicy.bin")));
    check_prefixes(read_bytes(oracle("oracles/samples/Krueger_SiPolicy.bin")));
    check_prefixes(read_bytes(oracle("oracles/samples/HBKmon_AllowAll_unsigned.bin")));
    check_prefixes(cipolicy::test::signed_oracle_content("signed/HBKmon_driversipolicy.p7b"));
    check_prefixes(read_bytes(oracle("oracles/compile/SiPolicy_Enforced.bin")), 487);
}

TEST_CASE("corrupted sample policies never crash the reader", "[policy]") {
    Policy p = cipolicy::test::sample_policy();
    // Exercise every value type and the optional per-rule fields too.
    p.settings.push_back({policy_string("P"), policy_string("K"), policy_string("V"), true});
    p.settings.push_back(
        {policy_string("P"), policy_string("K"), policy_string("W"), Bytes{1, 2, 3}});
    p.file_rules[0].app_ids = {policy_string("app"), std::nullopt};
    p.file_rules[1].package_family_name = policy_string("Contoso.App_8wekyb3d8bbwe");
    check_corruptions(write_policy_binary(p), 20000);
}

TEST_CASE("corrupted oracle binaries never crash the reader", "[oracle][policy]") {
    using cipolicy::test::oracle;
    using cipolicy::test::read_bytes;
    check_corruptions(read_bytes(oracle("oracles/compile/WOA_SiPolicy.bin")), 5000);
    check_corruptions(read_bytes(oracle("oracles/samples/WDACToolkit_test.bin")), 5000);
}

TEST_CASE("malformed policies are rejected with the offset and the problem", "[policy]") {
    const Policy policy = cipolicy::test::sample_policy();
    const Bytes good = write_policy_binary(policy);
    Bytes bad = good;
    // Layout of the sample (spec section 3): 0x44-byte header, no EKUs, file rule 0 at 0x44
    // (type, FileName "*" at 0x48: length, 2 bytes + 2 padding, terminator at 0x50), file rule 1
    // at 0x60, signer 0 at 0x7C, UpdatePolicySigners at 0xC4.
    REQUIRE(u32_at(good, 0x48) == 2);
    REQUIRE(u32_at(good, 0x7C) == 0);
    REQUIRE(u32_at(good, 0xC4) == 1);
    REQUIRE(u32_at(good, 0xC8) == 0);

    SECTION("header length") {
        put_u32(bad, 0x40, 0x38);
        CHECK(read_error(bad) ==
              "policy binary: offset 0x40: header length field is 0x38, expected 0x40");
    }
    SECTION("format version") {
        put_u32(bad, 0, 12);
        CHECK(read_error(bad) ==
              "policy binary: offset 0x0: format version 12 is not supported (expected 1 to 11)");
        put_u32(bad, 0, 0);
        CHECK_THAT(read_error(bad), Contains("format version 0 is not supported"));
    }
    SECTION("absurd count") {
        put_u32(bad, 0x2C, 0xFFFFFFFF);
        CHECK_THAT(read_error(bad),
                   StartsWith("policy binary: offset 0x2C: file rule count 4294967295 cannot fit"));
    }
    SECTION("string length past the end") {
        put_u32(bad, 0x48, 0xFFFFFFFA);
        CHECK(read_error(bad) ==
              "policy binary: offset 0x48: file rule 0 FileName length "
              "4294967290 runs past the end of the data (size " +
                  cipolicy::policy::hex_offset(good.size()) + ")");
    }
    SECTION("odd UTF-16 length") {
        put_u32(bad, 0x48, 3);
        CHECK_THAT(read_error(bad),
                   StartsWith("policy binary: offset 0x48: file rule 0 FileName length 3 is odd"));
    }
    SECTION("string terminator") {
        put_u32(bad, 0x50, 1);
        CHECK(read_error(bad) ==
              "policy binary: offset 0x50: file rule 0 FileName terminator is 0x1, expected 0");
    }
    SECTION("non-zero padding") {
        bad[0x4E] = 0x20;
        CHECK(read_error(bad) ==
              "policy binary: offset 0x4E: file rule 0 FileName padding is not zero");
    }
    SECTION("file rule type") {
        put_u32(bad, 0x60, 3);
        CHECK_THAT(read_error(bad),
                   StartsWith("policy binary: offset 0x60: file rule 1 type is 3"));
    }
    SECTION("CertRoot type") {
        put_u32(bad, 0x7C, 2);
        CHECK_THAT(read_error(bad),
                   StartsWith("policy binary: offset 0x7C: signer 0 CertRoot type is 2"));
    }
    SECTION("signer index out of range") {
        put_u32(bad, 0xC8, 1);
        CHECK(read_error(bad) ==
              "policy binary: offset 0xC8: UpdatePolicySigner 1 is out of "
              "range (the policy has 1 signers)");
    }
    SECTION("file rule index out of range") {
        // The kernel scenario's ProductSigners FileRulesRef holds the one index 0 after its
        // count 1; the user scenario's holds 1. Find the pair "count 1, index 1".
        const std::size_t at = find_unique(good, Bytes{1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}, 0xD4);
        put_u32(bad, at + 4, 2);
        CHECK(read_error(bad) == "policy binary: offset " + hex_offset(at + 4) +
                                     ": signing scenario 1 ProductSigners FileRulesRef 2 is out "
                                     "of range (the policy has 2 file rules)");
    }
    SECTION("trailing bytes") {
        bad.insert(bad.end(), 4, 0);
        CHECK(read_error(bad) == "policy binary: offset " + hex_offset(good.size()) +
                                     ": 4 trailing bytes after the end tag");
    }
    SECTION("end tag") {
        put_u32(bad, good.size() - 4, 8);
        CHECK(read_error(bad) == "policy binary: offset " + hex_offset(good.size() - 4) +
                                     ": end tag is 8, expected 9 (format version + 1)");
    }
    SECTION("AppSettings are not supported yet") {
        put_u32(bad, good.size() - 8, 1);
        CHECK(read_error(bad) == "policy binary: offset " + hex_offset(good.size() - 8) +
                                     ": AppSettings count is 1; AppSettings are not supported yet");
    }
    SECTION("versioned block tag and BasePolicyID") {
        Bytes block6{6, 0, 0, 0};
        const Bytes id = guid_bytes(policy.policy_id());
        block6.insert(block6.end(), id.begin(), id.end());
        const std::size_t at = find_unique(good, block6);
        Bytes wrong_tag = good;
        put_u32(wrong_tag, at, 5);
        CHECK(read_error(wrong_tag) == "policy binary: offset " + hex_offset(at) +
                                           ": versioned block tag is 5, expected 6 (format "
                                           "version 8)");
        bad[at + 4 + 16] ^= 0x01;  // BasePolicyID's first byte
        CHECK(read_error(bad) ==
              "policy binary: offset " + hex_offset(at + 4 + 16) +
                  ": BasePolicyID {11111110-2222-3333-4444-555555555555} differs "
                  "from the header's {11111111-2222-3333-4444-555555555555}");
    }
}

TEST_CASE("malformed secure settings are rejected", "[policy]") {
    Policy policy = cipolicy::test::sample_policy();
    policy.settings = {
        {policy_string("P"), policy_string("K"), policy_string("V"), std::uint32_t{0xDEADBEEF}}};
    const Bytes good = write_policy_binary(policy);
    const std::size_t value_at = find_unique(good, Bytes{0xEF, 0xBE, 0xAD, 0xDE});
    REQUIRE(u32_at(good, value_at - 4) == 1);  // DWORD
    Bytes bad = good;
    SECTION("unknown type") {
        put_u32(bad, value_at - 4, 4);
        CHECK(read_error(bad) == "policy binary: offset " + hex_offset(value_at - 4) +
                                     ": secure setting 0 value type is 4, expected 0 (boolean), "
                                     "1 (DWORD), 2 (binary) or 3 (string)");
    }
    SECTION("boolean other than 0 or 1") {
        put_u32(bad, value_at - 4, 0);
        CHECK(read_error(bad) == "policy binary: offset " + hex_offset(value_at) +
                                     ": secure setting 0 boolean value is 3735928559, expected 0 "
                                     "or 1");
    }
    SECTION("binary value length past the end") {
        put_u32(bad, value_at - 4, 2);
        CHECK_THAT(read_error(bad),
                   StartsWith("policy binary: offset " + hex_offset(value_at) +
                              ": secure setting 0 binary value length 3735928559 runs past"));
    }
}
