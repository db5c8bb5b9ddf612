// The compiler's ordering: the file rule comparator, .NET's legacy quicksort, and the document
// order the decompiler chooses so that tied rules sort back into place.

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "policy/compile_order.hpp"
#include "policy/legacy_sort.hpp"
#include "policy/ordinal_ignore_case.hpp"

using namespace cipolicy::policy;

namespace {

FileRule rule(FileRuleType type, const char* name, std::uint16_t label = 0) {
    FileRule r;
    r.type = type;
    if (name) r.file_name = policy_string(name);
    r.minimum_version = Version{{label, 0, 0, 0}};  // versions do not take part: a label
    return r;
}

std::vector<int> labels(const std::vector<FileRule>& rules,
                        const std::vector<std::uint32_t>& order) {
    std::vector<int> out;
    for (auto i : order) out.push_back(rules[i].minimum_version.parts[0]);
    return out;
}

}  // namespace

TEST_CASE("file rules compare by type, then names case-insensitively, then hash", "[compiler]") {
    const auto deny = rule(FileRuleType::deny, "z.sys");
    const auto allow = rule(FileRuleType::allow, "a.sys");
    CHECK(compare_file_rules(deny, allow) < 0);
    CHECK(compare_file_rules(rule(FileRuleType::allow, "A.SYS"), allow) == 0);
    CHECK(compare_file_rules(rule(FileRuleType::allow, nullptr), allow) < 0);  // absent first
    // Upper-casing decides: '_' (0x5F) sorts after 'A' but before 'a' ordinally.
    CHECK(compare_file_rules(rule(FileRuleType::allow, "a_"), rule(FileRuleType::allow, "aa")) > 0);
    auto h1 = allow, h2 = allow;
    h2.hash = {0x01};
    CHECK(compare_file_rules(h1, h2) < 0);  // empty hash first
    h1.hash = {0x01, 0x00};
    CHECK(compare_file_rules(h1, h2) > 0);
    // FileName decides before InternalName.
    auto n1 = rule(FileRuleType::deny, "b"), n2 = rule(FileRuleType::deny, "a");
    n1.internal_name = policy_string("a");
    n2.internal_name = policy_string("z");
    CHECK(compare_file_rules(n1, n2) > 0);
}

TEST_CASE("OrdinalIgnoreCase upper-cases beyond ASCII", "[compiler]") {
    CHECK(invariant_upper(u'\u00E9') == u'\u00C9');
    CHECK(invariant_upper(u'\u00FF') == u'\u0178');
    CHECK(invariant_upper(u'\u0431') == u'\u0411');
    CHECK(invariant_upper(u'\u03C2') == u'\u03A3');
    CHECK(compare_ordinal_ignore_case(u"stra\u00DFe", u"STRA\u00DFE") == 0);
    CHECK(compare_ordinal_ignore_case(u"abc", u"ABCD") < 0);
}

TEST_CASE("legacy quicksort reorders ties the way .NET Framework does", "[compiler]") {
    // Expected orders computed with reference/netsort.py's legacy_quicksort (the integration test
    // test_compiler.py cross-checks many more inputs against it directly).
    std::vector<FileRule> rules;
    for (std::uint16_t i = 0; i < 6; ++i) rules.push_back(rule(FileRuleType::deny, "same", i));
    CHECK(labels(rules, compiled_rule_order(rules)) == std::vector<int>{3, 4, 5, 0, 1, 2});

    std::vector<int> keys{3, 1, 3, 1, 2, 3, 1, 2};
    std::vector<std::pair<int, int>> items;
    for (int i = 0; i < static_cast<int>(keys.size()); ++i) items.push_back({keys[i], i});
    legacy_quick_sort(std::span(items),
                      [](const auto& a, const auto& b) { return a.first - b.first; });
    std::vector<int> order;
    for (auto& [k, i] : items) order.push_back(i);
    CHECK(order == std::vector<int>{6, 1, 3, 4, 7, 0, 2, 5});
}

TEST_CASE("legacy quicksort sorts, and its heapsort fallback sorts too", "[compiler]") {
    std::mt19937 rng(7);
    for (int depth : {32, 0, 1}) {
        std::vector<int> v(500);
        for (auto& x : v) x = static_cast<int>(rng() % 50);
        auto expected = v;
        std::sort(expected.begin(), expected.end());
        legacy_quick_sort(
            std::span(v), [](int a, int b) { return a - b; }, depth);
        CHECK(v == expected);
    }
}

TEST_CASE("the decompiler's document order sorts back into the compiled order", "[compiler]") {
    std::mt19937 rng(11);
    for (int round = 0; round < 50; ++round) {
        std::vector<FileRule> rules;
        const std::size_t n = 1 + rng() % 200;
        for (std::uint16_t i = 0; i < n; ++i) {
            const char* names[] = {"a.sys", "B.SYS", "c.dll", nullptr};
            rules.push_back(rule(static_cast<FileRuleType>(rng() % 3), names[rng() % 4], i));
        }
        // A compiled policy: rules in the order the compiler gives them.
        std::vector<FileRule> compiled;
        for (auto i : compiled_rule_order(rules)) compiled.push_back(rules[i]);
        const auto document = document_order_for(compiled);
        REQUIRE(document.size() == compiled.size());
        std::vector<FileRule> as_written;
        for (auto i : document) as_written.push_back(compiled[i]);
        std::vector<FileRule> recompiled;
        for (auto i : compiled_rule_order(as_written)) recompiled.push_back(as_written[i]);
        CHECK(recompiled == compiled);
    }
    // Not in compiled order: no document order can reproduce it.
    CHECK(document_order_for({rule(FileRuleType::allow, "b"), rule(FileRuleType::allow, "a")})
              .empty());
}

TEST_CASE("the compiled order is the legacy sort under compare_file_rules itself", "[compiler]") {
    // compiled_rule_order compares precomputed keys; they must order every pair exactly as the
    // comparator does, edge cases included: absent against empty, a name that is a prefix of
    // another, U+0000 (a binary may hold one), case beyond ASCII, hashes that are prefixes.
    const std::u16string names[] = {u"",       u"a",       u"A", u"ab",     u"a\u0000", u"a\u0000b",
                                    u"\u00E9", u"\u00C9x", u"_", u"\uFFFF", u"\u0131"};
    const cipolicy::Bytes hashes[] = {{}, {0x00}, {0x01}, {0x01, 0x00}, {0xFF}};
    std::mt19937 rng(23);
    for (int round = 0; round < 40; ++round) {
        std::vector<FileRule> rules;
        const std::size_t n = 1 + rng() % 300;
        for (std::uint16_t i = 0; i < n; ++i) {
            FileRule r = rule(static_cast<FileRuleType>(rng() % 3), nullptr, i);
            for (auto* field : {&r.file_name, &r.internal_name, &r.file_description,
                                &r.product_name, &r.package_family_name, &r.file_path})
                if (rng() % 3 == 0) *field = names[rng() % std::size(names)];
            r.hash = hashes[rng() % std::size(hashes)];
            rules.push_back(r);
        }
        std::vector<std::uint32_t> expected(n);
        for (std::uint32_t i = 0; i < n; ++i) expected[i] = i;
        legacy_quick_sort(std::span(expected), [&](std::uint32_t x, std::uint32_t y) {
            return compare_file_rules(rules[x], rules[y]);
        });
        CHECK(compiled_rule_order(rules) == expected);
    }
}
