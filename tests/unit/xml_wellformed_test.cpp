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

// Start tags of the common shape are read forward in one pass, all others the general way; both
// must judge every tag alike. An element named "é" (not ASCII) always takes the general way, so
// each generated tag is judged under both names: the same verdict, at the same place (one byte
// further on for "é", two bytes long, past its name).
TEST_CASE("start tags: the one-pass reading and the general one agree") {
    const char* blanks[] = {"", " ", "  ", "\n\t ", "\r\n"};
    const char* names[] = {"a", "b", "ID", "x:y", "a-b.c_1", "\xc3\xa9", "a", "b"};
    const char* equals[] = {"=", " =", "= ", " = ", ""};
    const char* values[] = {"v", "", "a>b", "a<b", "x'y", "x\"y", "&lt;", "a b", "/>"};
    const char* ends[] = {">", "/>", " />", " >", "/ >", ""};
    std::uint32_t seed = 12345;
    const auto next = [&seed](std::size_t n) {
        seed = seed * 1103515245u + 12345u;
        return static_cast<std::size_t>(seed >> 8) % n;
    };
    // The name starts at offset 4, after "<r><"; `longer` bytes more of it move what follows.
    const auto verdict = [](const std::string& text, std::size_t longer) {
        const auto e = check(text);
        if (!e) return std::string("accepted");
        const std::size_t at = e->offset > 4 ? e->offset - longer : e->offset;
        return std::to_string(at) + " " + e->problem;
    };
    int general = 0, failures = 0;
    for (int k = 0; k < 20000; ++k) {
        std::string tag;
        const int attributes = static_cast<int>(next(5));
        for (int a = 0; a < attributes; ++a) {
            const char quote = next(3) == 0 ? '\'' : '"';
            tag += blanks[next(std::size(blanks))];
            tag += names[next(std::size(names))];
            tag += equals[next(std::size(equals))];
            tag += quote;
            tag += values[next(std::size(values))];
            if (k % 97 != 0 || a + 1 < attributes) tag += quote;  // now and then unterminated
        }
        tag += blanks[next(std::size(blanks))];
        const std::string end = ends[next(std::size(ends))];
        tag += end;
        const auto doc = [&](const std::string& name) {
            // Any end tag closes the element here (matching names is pugixml's check).
            return "<r><" + name + tag + (end == ">" || end == " >" ? "</x>" : "") + "</r>";
        };
        const std::string fast = verdict(doc("e"), 0);
        const std::string slow = verdict(doc("\xc3\xa9"), 1);
        if (fast != slow && ++failures <= 5)
            FAIL_CHECK("tag <e" << tag << ": " << fast << " / " << slow);
        if (fast != "accepted") ++general;
    }
    CHECK(failures == 0);
    CHECK(general > 1000);  // the corpus reaches the refusals too, not only good tags
}

TEST_CASE("markup ends at the first terminator after its opener, as pugixml reads it") {
    // "<!--->" opens a comment and does not close it: the comment runs to the next "-->". The
    // scan once searched from the '<' and so ended the comment inside its own opener.
    CHECK_FALSE(check("<!--->x--><a/>").has_value());
    CHECK_FALSE(check("<a><!---> <b> --></a>").has_value());
    const auto open = check("<a/><!--->");
    REQUIRE(open.has_value());
    CHECK(open->problem == "unterminated comment");
}
