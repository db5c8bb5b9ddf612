#include "policy_test_helpers.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include "core/error.hpp"
#include "policy/binary_reader.hpp"
#include "policy/sample_policy.hpp"

namespace cipolicy::test {

Bytes fake_tbs_hash() {
    Bytes h(32);
    for (std::size_t i = 0; i < h.size(); ++i) h[i] = static_cast<std::uint8_t>(0xA0 + i);
    return h;
}

policy::Policy sample_policy() {
    return policy::make_signable_base_policy(
        fake_tbs_hash(), *policy::Guid::parse("{11111111-2222-3333-4444-555555555555}"));
}

std::uint32_t u32_at(const Bytes& b, std::size_t offset) {
    REQUIRE(offset + 4 <= b.size());
    return std::uint32_t{b[offset]} | std::uint32_t{b[offset + 1]} << 8 |
           std::uint32_t{b[offset + 2]} << 16 | std::uint32_t{b[offset + 3]} << 24;
}

void put_u32(Bytes& b, std::size_t offset, std::uint32_t value) {
    REQUIRE(offset + 4 <= b.size());
    for (int i = 0; i < 4; ++i) b[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

std::size_t find_unique(const Bytes& b, const Bytes& pattern, std::size_t from) {
    auto first = std::search(b.begin() + static_cast<std::ptrdiff_t>(from), b.end(),
                             pattern.begin(), pattern.end());
    REQUIRE(first != b.end());
    auto second = std::search(first + 1, b.end(), pattern.begin(), pattern.end());
    REQUIRE(second == b.end());
    return static_cast<std::size_t>(first - b.begin());
}

std::string read_error(const Bytes& data) {
    try {
        policy::read_policy_binary(data);
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::input);
        return e.what();
    }
    FAIL("the malformed policy was accepted");
    return {};
}

}  // namespace cipolicy::test
