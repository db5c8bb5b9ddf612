// The compiler against Microsoft's output: every oracle XML compiles to its binary byte for byte,
// every oracle binary and template survives binary -> XML -> binary unchanged.

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>

#include "policy/binary_reader.hpp"
#include "policy/compile_order.hpp"
#include "policy/compiler.hpp"
#include "policy/xml_reader.hpp"
#include "policy/xml_writer.hpp"
#include "policy_oracle_support.hpp"
#include "test_support.hpp"

using namespace cipolicy;
using namespace cipolicy::policy;
using cipolicy::test::oracle;
using cipolicy::test::read_bytes;

namespace {

Bytes recompile(const Policy& p) {
    const PolicyXml xml = write_policy_xml(p);
    CHECK(xml.warnings.empty());
    const XmlSource source("decompiled.xml", xml.text);
    return compile_policy_xml(source, p.format_version);
}

}  // namespace

TEST_CASE("oracle XML compiles to Microsoft's binary byte for byte", "[oracle][compiler]") {
    struct Pair {
        const char* name;
        std::uint32_t format;
    };
    for (const auto& [name, format] :
         {Pair{"SiPolicy_Enforced", 8}, Pair{"SiPolicy_Audit", 8}, Pair{"WOA_SiPolicy", 7}}) {
        INFO(name);
        const auto dir = oracle("oracles/compile");
        const auto source = XmlSource::load(dir / (std::string(name) + ".xml"));
        const Bytes expected = read_bytes(dir / (std::string(name) + ".bin"));
        CHECK(compile_policy_xml(source, format) == expected);
    }
}

TEST_CASE("the blocklist's tied rules need the legacy quicksort", "[oracle][compiler]") {
    // With a stable sort the output differs: this is what makes the oracle a real test of the
    // sort, not only of the comparator.
    const auto source = XmlSource::load(oracle("oracles/compile/SiPolicy_Enforced.xml"));
    const auto [p, binary] = compile_policy(source, 8);
    REQUIRE(binary == read_bytes(oracle("oracles/compile/SiPolicy_Enforced.bin")));
    // A stable sort of the same rules with the same comparator: equally "sorted", but the tied
    // rules land elsewhere, so Microsoft's bytes need the legacy quicksort exactly.
    std::vector<FileRule> stable = read_policy_xml(source).file_rules;
    std::stable_sort(stable.begin(), stable.end(), [](const FileRule& a, const FileRule& b) {
        return compare_file_rules(a, b) < 0;
    });
    CHECK(stable != p.file_rules);
}

TEST_CASE("every oracle binary survives binary -> XML -> binary", "[oracle][compiler]") {
    for (const auto& o : cipolicy::test::oracle_policies()) {
        INFO(o.name);
        const Policy p = read_policy_binary(o.binary);
        CHECK(recompile(p) == o.binary);
    }
}

TEST_CASE("templates compile and survive binary -> XML -> binary", "[oracle][compiler]") {
    int compiled = 0;
    for (const auto& entry : std::filesystem::directory_iterator(oracle("oracles/templates"))) {
        const std::string name = entry.path().filename().string();
        INFO(name);
        const auto source = XmlSource::load(entry.path());
        const Bytes binary = compile_policy_xml(source);
        CHECK(recompile(read_policy_binary(binary)) == binary);
        ++compiled;
    }
    // AppIdTagging.xml (AppID Tagging Policy, AppIDTags) and WinSEPolicy.xml (AppIDs) included.
    CHECK(compiled == 12);
}
