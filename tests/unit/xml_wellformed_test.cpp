// The character check of find_not_well_formed reads sixteen ASCII bytes at a time: every position
// of a refused or allowed non-ASCII byte within and across those blocks must be judged as one byte
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
    for (std::size_t pos = 0; pos < 40; ++pos) {
        INFO("position " << pos);
        std::string filler(pos, 'x');
        std::string after(40 - pos, 'y');
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

TEST_CASE("duplicate attributes are found in every start tag and located at the element") {
    const auto twice = [](const std::string& text) -> std::string {
        const auto e = check(text);
        return e ? std::to_string(e->offset) + " " + e->problem : "accepted";
    };
    CHECK(twice("<r><a x='1' y=\"2\"/><b c=\"3\"\n   c = '4'></b></r>") ==
          "20 the attribute c is given twice");
    // Quotes of the other kind inside a value are text, not the start of another attribute.
    CHECK(twice("<r a='b=\"1\"' b=\"c='2'\"/>") == "accepted");
    CHECK(twice("<r a=\"x\" b='x' ab=\"x\" ba='x'/>") == "accepted");
    // Past sixteen attributes the names go into a set; the seventeenth and later are checked too.
    std::string many = "<r";
    for (int i = 0; i < 40; ++i) many += " n" + std::to_string(i) + "=\"v\"";
    CHECK(twice(many + "/>") == "accepted");
    CHECK(twice(many + " n3=\"again\"/>") == "1 the attribute n3 is given twice");
    CHECK(twice(many + " n39='again'/>") == "1 the attribute n39 is given twice");
}
