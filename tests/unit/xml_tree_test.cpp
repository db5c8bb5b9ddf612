// The reader's one-pass XML tree against the general reading (the well-formedness scan and
// pugixml): wherever the one pass takes a document, the general reading takes it too and gives
// an equal tree. Checked on every policy among the oracles and in the repository, on values with
// every kind of reference and line end, and on 30,000 mutations of a policy, of which the one
// pass must take some and decline others.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <string>

#include "../fuzz/xml_tree_compare.hpp"
#include "core/bounded_read.hpp"
#include "core/error.hpp"
#include "policy/xml_encoding.hpp"
#include "policy/xml_source.hpp"
#include "test_support.hpp"

using namespace cipolicy;
using policy::XmlTree;

namespace {

enum class Outcome { one_pass, general_only, refused };

// Judges `text` both ways; fails the test when the one pass takes what the general reading
// refuses or reads differently.
Outcome judge(const std::string& text) {
    pugi::xml_document doc;
    const auto general = test::general_tree(text, doc);
    const auto one_pass = policy::find_bad_characters(text) ? std::nullopt : XmlTree::read(text);
    if (!one_pass) return general ? Outcome::general_only : Outcome::refused;
    INFO(text.substr(0, 2000));
    REQUIRE(general);
    const auto difference = test::tree_difference(*one_pass, *general);
    INFO(difference.value_or(""));
    REQUIRE_FALSE(difference);
    return Outcome::one_pass;
}

std::string utf8_of(const std::filesystem::path& file) {
    return policy::decode_xml(read_bounded_string(file, 64 << 20, "policy XML"), file.string())
        .utf8;
}

const char* kPolicy = R"(<?xml version="1.0" encoding="utf-8"?>
<!-- a comment before the root -->
<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy" PolicyType="Base Policy">
  <VersionEx>10.0.0.0</VersionEx>
  <PolicyID>{A244370E-44C9-4C06-B551-F6016E563076}</PolicyID>
  <BasePolicyID>{A244370E-44C9-4C06-B551-F6016E563076}</BasePolicyID>
  <Rules>
    <Rule><Option>Enabled:Unsigned System Integrity Policy</Option></Rule>
  </Rules>
  <FileRules>
    <Deny ID="ID_DENY_A" FriendlyName="a &amp; b &lt;c&gt; &#65;&#x42;" Hash="00FF" />
    <Allow ID='ID_ALLOW_B' FileName="x.exe" MinimumFileVersion = "1.0.0.0"/>
  </FileRules>
  <Signers />
  <SigningScenarios>
    <SigningScenario Value="131" ID="ID_SIGNINGSCENARIO_K" FriendlyName="k">
      <ProductSigners><FileRulesRef><FileRuleRef RuleID="ID_DENY_A"/></FileRulesRef></ProductSigners>
    </SigningScenario>
  </SigningScenarios>
  <Settings><Setting Provider="p" Key="k" ValueName="v"><Value><String>t &#10; u</String></Value></Setting></Settings>
</SiPolicy>
<!-- and after -->
)";

}  // namespace

TEST_CASE(
    "one-pass tree: every policy of the oracles and the repository is read as pugixml reads it",
    "[oracle][reader]") {
    std::size_t one_pass = 0, general_only = 0;
    std::vector<std::filesystem::path> roots = {test::oracle("oracles")};
    for (const char* folder : {"templates", "samples", "tests"})
        roots.push_back(std::filesystem::path(CIPOLICY_TEST_SOURCE_DIR) / ".." / folder);
    for (const auto& root : roots)
        for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
            if (!entry.is_regular_file() || entry.path().extension() != ".xml") continue;
            std::string text;
            try {
                text = utf8_of(entry.path());
            } catch (const Error&) {
                continue;  // not text in any encoding the reader takes
            }
            INFO(entry.path().string());
            const Outcome o = judge(text);
            one_pass += o == Outcome::one_pass;
            general_only += o == Outcome::general_only;
        }
    INFO(one_pass << " read in one pass, " << general_only << " by pugixml alone");
    CHECK(one_pass >= 20);
    // Microsoft's block list, the compile the one pass is for, must take it.
    CHECK(judge(utf8_of(test::oracle("oracles/compile/SiPolicy_Enforced.xml"))) ==
          Outcome::one_pass);
}

TEST_CASE("one-pass tree: references, line ends and blanks as pugixml gives them", "[reader]") {
    CHECK(judge(kPolicy) == Outcome::one_pass);
    const auto tree = XmlTree::read(kPolicy);
    REQUIRE(tree);
    const auto deny = tree->root().child("FileRules").child("Deny");
    CHECK(deny.attribute("FriendlyName").value() == "a & b <c> AB");
    CHECK(deny.offset_debug() == static_cast<std::ptrdiff_t>(std::string(kPolicy).find("Deny ")));
    for (const char* text : {
             "<a b=\"x&#10;y\tz\r\nw\rv\nu\" c='&quot;&apos;&#x1F600;&#233;'>t\r\nu\rv&#13;</a>",
             "<a>\r\n  <!--c\r\nd-->\r\n  <b/>text<!---->more</a>",
             "<a\r\n b\r\n =\r\n 'c'\r\n/>",
             "<a:b x:y='1' _z.-9='2'></a:b >",
             "<a>&#x10FFFF;&#1114111;&#9;</a>",
             "<!--->x--><a><!---> <b> & --></a>",
         })
        CHECK(judge(text) == Outcome::one_pass);
    // Shapes the one pass leaves to pugixml: CDATA, DOCTYPE, processing instructions, other
    // references, non-ASCII names, many attributes.
    for (const char* text : {
             "<a><![CDATA[x]]></a>",
             "<!DOCTYPE a><a/>",
             "<a><?pi x?></a>",
             "<?pi x?><a/>",
             "<a b='&nbsp;'/>",
             "<a>&#xZ;</a>",
             "<a>&amp</a>",
             "<\xC3\xA9/>",
             "<a b1='' b2='' b3='' b4='' b5='' b6='' b7='' b8='' b9='' b10='' b11='' b12='' "
             "b13='' b14='' b15='' b16='' b17=''/>",
         })
        CHECK(judge(text) == Outcome::general_only);
    // Refused by both.
    for (const char* text :
         {"", "<a>", "<a></b>", "<a b='1' b='2'/>", "<a b='<'/>", "<a/><b/>", "text<a/>",
          "<a/>text", "<a b='1'c='2'/>", "<a><b></a></b>", "<a>\x01</a>", "<a>&#1;</a>",
          "<a>&#;</a>", " <?xml version='1.0'?><a/>"})
        CHECK(judge(text) == Outcome::refused);
}

TEST_CASE("one-pass tree: mutations of a policy are taken only as pugixml takes them", "[reader]") {
    // Characters that change the shape of a document, and some that do not.
    const std::string alphabet = "<>/=\"'&;#x!-?[] \t\r\naZ0:.\xC3\xA9";
    std::mt19937 random(2026);
    std::size_t counts[3] = {};
    for (int n = 0; n < 30000; ++n) {
        std::string text = kPolicy;
        const int edits = 1 + static_cast<int>(random() % 3);
        for (int e = 0; e < edits; ++e) {
            const std::size_t at = random() % (text.size() + 1);
            const char c = alphabet[random() % alphabet.size()];
            switch (random() % 3) {
                case 0:
                    text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c);
                    break;
                case 1:
                    if (at < text.size()) text.erase(at, 1);
                    break;
                default:
                    if (at < text.size()) text[at] = c;
            }
        }
        ++counts[static_cast<int>(judge(text))];
    }
    INFO(counts[0] << " one pass, " << counts[1] << " pugixml only, " << counts[2] << " refused");
    CHECK(counts[0] > 5000);
    CHECK(counts[1] > 100);
    CHECK(counts[2] > 1000);
}

TEST_CASE("one-pass tree: a source reads the same policy both ways", "[reader]") {
    // A document with a CDATA section goes the general way; the reader gets the same tree.
    const policy::XmlSource fast("fast.xml", kPolicy);
    std::string with_cdata = kPolicy;
    with_cdata.replace(with_cdata.find("10.0.0.0"), 8, "<![CDATA[10.0.0.0]]>");
    const policy::XmlSource slow("slow.xml", with_cdata);
    CHECK(fast.tree().root().child("VersionEx").child_value() == "10.0.0.0");
    CHECK(slow.tree().root().child("VersionEx").child_value() == "10.0.0.0");
    CHECK(slow.tree().root().child("VersionEx").first_child().type() == policy::XmlNodeType::cdata);
    // pugixml's tree is still there for edits and merges, made on first use.
    CHECK(std::string_view(fast.document().document_element().name()) == "SiPolicy");
}
