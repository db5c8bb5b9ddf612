// The character check of find_not_well_formed reads eight ASCII bytes at a time: every position of
// a refused or allowed non-ASCII byte within and across those blocks must be judged as one byte
// at a time would, at the right offset.
#include <catch2/catch.hpp>

#include <string>

#include "policy/xml_wellformed.hpp"

using namespace cipolicy::policy;

namespace {
std::optional<WellFormedError> check(const std::string& text) {
    return find_not_well_formed(text);
}
}  // namespace

TEST_CASE("character check: each position of a bad byte is found, good bytes pass") {
    const std::string head = "<a>", tail = "</a>";
    for (std::size_t pos = 0; pos < 24; ++pos) {
        INFO("position " << pos);
        std::string filler(pos, 'x');
        std::string after(24 - pos, 'y');
        for (const char* bad : {"\x01", "\x1f", "\x0b", "\xff", "\xc3", "\xed\xa0\x80"}) {
            auto e = check(head + filler + bad + after + tail);
            REQUIRE(e.has_value());
            CHECK(e->offset == head.size() + pos);
        }
        for (const char* good :
             {"\t", "\n", "\r", "\x7f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"})
            CHECK_FALSE(check(head + filler + good + after + tail).has_value());
    }
}
