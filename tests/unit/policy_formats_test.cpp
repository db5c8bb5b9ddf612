// Every format the decompiler reads, AppIDs, the current schema's elements (formats 9 to 11,
// AppIDTags, generic FileRule, new options) and the encodings policy XML comes in: compiled,
// decompiled and compiled again to the same bytes, and against Microsoft's AppIDs binaries.

#include <catch2/catch.hpp>

#include <algorithm>
#include <initializer_list>
#include <string>

#include "core/error.hpp"
#include "policy/binary_reader.hpp"
#include "policy/binary_writer.hpp"
#include "policy/compiler.hpp"
#include "policy/xml_writer.hpp"
#include "policy_oracle_support.hpp"
#include "test_support.hpp"

using namespace cipolicy;
using namespace cipolicy::policy;
using Catch::Matchers::Contains;
using cipolicy::test::oracle;
using cipolicy::test::read_bytes;

namespace {

// binary -> XML -> binary at the binary's own format.
Bytes recompile(const Bytes& binary) {
    const Policy p = read_policy_binary(binary);
    const PolicyXml xml = write_policy_xml(p);
    CHECK(xml.warnings.empty());
    return compile_policy_xml(XmlSource("decompiled.xml", xml.text), p.format_version);
}

Bytes u32s(std::initializer_list<std::uint32_t> values) {
    Bytes out;
    for (auto v : values)
        for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    return out;
}
Bytes utf16(const std::string& ascii) {
    Bytes out;
    for (char c : ascii) out.insert(out.end(), {static_cast<std::uint8_t>(c), 0});
    return out;
}
Bytes cat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}
std::size_t occurrences(const Bytes& haystack, const Bytes& needle) {
    std::size_t n = 0;
    for (auto it = haystack.begin();
         (it = std::search(it, haystack.end(), needle.begin(), needle.end())) != haystack.end();
         ++it)
        ++n;
    return n;
}

std::uint32_t rule_index(const Policy& p, const std::string& id) {
    for (std::size_t i = 0; i < p.file_rules.size(); ++i)
        if (p.file_rules[i].xml.id == id) return static_cast<std::uint32_t>(i);
    FAIL("no rule " << id);
    return 0;
}

std::string compile_error(const std::string& xml, std::optional<std::uint32_t> format) {
    try {
        compile_policy_xml(XmlSource("t.xml", xml), format);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

const std::string kHeader = R"(<?xml version="1.0" encoding="utf-8"?>
<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy" PolicyType="Base Policy">
  <VersionEx>10.0.0.1</VersionEx>
  <PolicyID>{0E9F7CDF-BC78-4437-A3C6-A3863B75D3CC}</PolicyID>
  <BasePolicyID>{0E9F7CDF-BC78-4437-A3C6-A3863B75D3CC}</BasePolicyID>
  <PlatformID>{2E07F7E4-194C-4D20-B7C9-6F44A6C5A234}</PlatformID>
)";

// Every element and attribute cipolicy-2026.xsd adds, except AppSettings and the AppID Tagging
// Policy type (its own document below).
const std::string kEverything = kHeader + R"X(  <Rules>
    <Rule><Option>Enabled:Unsigned System Integrity Policy</Option></Rule>
    <Rule><Option>Enabled:Conditional Windows Lockdown Policy</Option></Rule>
    <Rule><Option>Disabled:Default Windows Certificate Remapping</Option></Rule>
  </Rules>
  <EKUs>
    <EKU ID="ID_EKU_CODE" Value="010A2B0601040182374C0301" FriendlyName="code" />
    <EKU ID="ID_EKU_TEST" Value="010A2B0601040182370A0306" />
  </EKUs>
  <FileRules>
    <FileRule ID="ID_FILE_MATCH" Type="Match" FileName="app.exe" MinimumFileVersion="1.0.0.0" AppIDs="$(Host1)$(Host2)" />
    <FileRule ID="ID_FILE_EXCLUDE" Type="Exclude" FileName="bad.dll" />
    <FileRule ID="ID_FILE_ATTR" Type="Attribute" FileName="lib.dll" />
    <Allow ID="ID_ALLOW_BASE" FileName="kernel.dll" RequireHotpatchID="ID_ALLOW_HP" />
    <Allow ID="ID_ALLOW_HP" FileName="kernel_hp.dll" MinimumHotpatchSequence="2" MaximumHotpatchSequence="9" />
    <Deny ID="ID_DENY_SINGLE" FileName="evil.dll" AppIDs="HOST.EXE" />
  </FileRules>
  <ArtifactRules>
    <ArtifactRule ID="ID_ARTIFACT_CAT" ArtifactType="Catalog" Action="Allow" ArtifactName="cat" ArtifactDescription="d" MinimumVersion="1.0.0.0">
      <ArtifactHash><Hash><sha256>00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF</sha256></Hash></ArtifactHash>
    </ArtifactRule>
    <ArtifactRule ID="ID_ARTIFACT_CIM" ArtifactType="CIM" Action="Deny" />
  </ArtifactRules>
  <Signers>
    <Signer ID="ID_SIGNER_A" Name="A">
      <CertRoot Type="TBS" Value="0102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20" />
      <CertEKU ID="ID_EKU_CODE" />
      <CertEKU ID="ID_EKU_TEST" Condition="Except" />
      <FileAttribRef RuleID="ID_FILE_ATTR" />
      <ArtifactRuleRef RuleID="ID_ARTIFACT_CAT" />
    </Signer>
  </Signers>
  <SigningScenarios>
    <SigningScenario Value="12" ID="ID_SIGNINGSCENARIO_U">
      <ProductSigners>
        <AllowedSigners><AllowedSigner SignerId="ID_SIGNER_A" /></AllowedSigners>
        <FileRulesRef>
          <FileRuleRef RuleID="ID_FILE_MATCH" />
          <FileRuleRef RuleID="ID_FILE_EXCLUDE" />
          <FileRuleRef RuleID="ID_ALLOW_BASE" />
          <FileRuleRef RuleID="ID_ALLOW_HP" />
          <FileRuleRef RuleID="ID_DENY_SINGLE" />
        </FileRulesRef>
      </ProductSigners>
      <ArtifactSigners>
        <AllowedSigners><AllowedSigner SignerId="ID_SIGNER_A" /></AllowedSigners>
        <ArtifactRulesRef>
          <ArtifactRuleRef RuleID="ID_ARTIFACT_CIM" />
          <ArtifactRuleRef RuleID="ID_ARTIFACT_CAT" />
        </ArtifactRulesRef>
      </ArtifactSigners>
      <AppIDTags><AppIDTag Key="Team" Value="Finance" /></AppIDTags>
    </SigningScenario>
  </SigningScenarios>
  <Settings>
    <Setting Provider="PolicyInfo" Key="Information" ValueName="Name"><Value><String>all</String></Value></Setting>
  </Settings>
  <Macros>
    <Macro Id="Host1" Value="A.EXE" />
    <Macro Id="Host2" Value="B.EXE" />
  </Macros>
</SiPolicy>
)X";

const std::string kTagging = std::string(R"(<?xml version="1.0" encoding="utf-8"?>
<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy" PolicyType="AppID Tagging Policy">)") +
                             kHeader.substr(kHeader.find('\n', kHeader.find("<SiPolicy"))) +
                             R"(  <Rules>
    <Rule><Option>Enabled:Unsigned System Integrity Policy</Option></Rule>
  </Rules>
  <FileRules><Allow ID="ID_ALLOW_DLL" FilePath="*.dll" /></FileRules>
  <SigningScenarios>
    <SigningScenario Value="12" ID="ID_SIGNINGSCENARIO_WINDOWS">
      <ProductSigners><FileRulesRef><FileRuleRef RuleID="ID_ALLOW_DLL" /></FileRulesRef></ProductSigners>
      <AppIDTags EnforceDLL="true">
        <AppIDTag Key="Team" Value="Finance" />
        <AppIDTag Key="Tier" Value="1" />
      </AppIDTags>
    </SigningScenario>
  </SigningScenarios>
</SiPolicy>
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

bool has_setting(const Policy& p, const char* provider, const char* key, const char* name) {
    return std::any_of(p.settings.begin(), p.settings.end(), [&](const SecureSetting& s) {
        return s.provider == policy_string(provider) && s.key == policy_string(key) &&
               s.value_name == policy_string(name);
    });
}

std::string to_utf16(const std::string& ascii, bool little_endian) {
    std::string out = little_endian ? "\xFF\xFE" : "\xFE\xFF";
    for (char c : ascii) {
        out += little_endian ? c : '\0';
        out += little_endian ? '\0' : c;
    }
    return out;
}

}  // namespace

TEST_CASE("AppIDs: Microsoft's binaries, compiled and decompiled byte for byte",
          "[oracle][compiler]") {
    struct Pair {
        const char* name;
        std::uint32_t format;
    };
    for (const auto& [name, format] : {Pair{"AaronLockerV2_2025-06-12_Audit_1903plus", 7},
                                       Pair{"AaronLockerV2_2025-08-10_Block_legacy", 8}}) {
        INFO(name);
        const auto dir = oracle("oracles/appids");
        const Bytes expected = read_bytes(dir / (std::string(name) + ".bin"));
        const auto source = XmlSource::load(dir / (std::string(name) + ".xml"));
        CHECK(compile_policy_xml(source, format) == expected);
        CHECK(recompile(expected) == expected);
        // One AppID is one string of the list: count 1, "CMSTP.EXE".
        CHECK(occurrences(expected, cat({u32s({1, 18}), utf16("CMSTP.EXE")})) == 1);
    }
}

TEST_CASE(
    "every oracle binary, written at every format that holds it, decompiles and compiles "
    "back to the same bytes",
    "[oracle][compiler]") {
    int checked = 0;
    for (const auto& o : cipolicy::test::oracle_policies()) {
        Policy p = read_policy_binary(o.binary);
        for (std::uint32_t f = minimum_format_version(p); f <= kLatestFormatVersion; ++f) {
            INFO(o.name << " at format " << f);
            p.format_version = f;
            const Bytes binary = write_policy_binary(p);
            CHECK(read_policy_binary(binary).format_version == f);
            CHECK(recompile(binary) == binary);
            ++checked;
        }
    }
    CHECK(checked > 40);  // the single-policy-format ones from format 1, the others from 6
}

TEST_CASE("formats below what the XML uses are refused naming the element", "[compiler]") {
    CHECK_THAT(compile_error(kEverything, 10),
               Contains("t.xml: policy: cannot write the binary: format version 10 cannot store "
                        "signer ID_SIGNER_A CertEKU Condition=\"Except\" (needs format 11 or "
                        "later)"));
    CHECK_THAT(compile_error(kEverything, 8),
               Contains("signer ID_SIGNER_A ArtifactRuleRef (needs format 10 or later)"));
    // Deny rules come first in compiled order.
    CHECK_THAT(compile_error(kEverything, 2),
               Contains("file rule ID_DENY_SINGLE AppIDs (needs format 3 or later)"));
    CHECK_THAT(compile_error(kEverything, 12),
               Contains("format version 12 is not supported (expected 1 to 11)"));
}

TEST_CASE("the default format is the lowest that holds the XML, 8 at least", "[compiler]") {
    // Everything: format 11. Without the Except EKU: 10. Without artifacts too: 9.
    CHECK(compile_policy(XmlSource("t.xml", kEverything)).model.format_version == 11);
    std::string ten = replace(kEverything, R"( Condition="Except")", "");
    CHECK(compile_policy(XmlSource("t.xml", ten)).model.format_version == 10);
    std::string nine = ten;
    for (const char* element : {"ArtifactRules", "ArtifactSigners"})
        nine = replace(nine, std::string("<") + element + ">", std::string("<!--") + element + ">");
    nine = replace(nine, "</ArtifactRules>", "-->");
    nine = replace(nine, "</ArtifactSigners>", "-->");
    nine = replace(nine, R"(<ArtifactRuleRef RuleID="ID_ARTIFACT_CAT" />
    </Signer>)",
                   "</Signer>");
    CHECK(compile_policy(XmlSource("t.xml", nine)).model.format_version == 9);
    const std::string eight = replace(nine, R"( RequireHotpatchID="ID_ALLOW_HP")", "");
    CHECK_THAT(compile_error(eight, std::nullopt),
               Contains("MinimumHotpatchSequence=\"2\": no RequireHotpatchID names this rule"));
}

TEST_CASE("schema 2026 elements compile to the layout and round-trip", "[compiler]") {
    const auto [p, binary] = compile_policy(XmlSource("t.xml", kEverything));
    CHECK(p.format_version == 11);
    CHECK(recompile(binary) == binary);

    // Generic FileRule: Match, Exclude and Attribute are Allow, Deny and FileAttrib.
    CHECK(p.file_rules[rule_index(p, "ID_FILE_MATCH")].type == FileRuleType::allow);
    CHECK(p.file_rules[rule_index(p, "ID_FILE_EXCLUDE")].type == FileRuleType::deny);
    CHECK(p.file_rules[rule_index(p, "ID_FILE_ATTR")].type == FileRuleType::file_attrib);
    // AppIDs="$(Host1)$(Host2)": a list of two strings; a literal is a list of one.
    // (Each string: length, UTF-16, padding to 4, a zero u32.)
    CHECK(occurrences(binary, cat({u32s({2, 10}), utf16("A.EXE"), Bytes{0, 0}, u32s({0, 10}),
                                   utf16("B.EXE")})) == 1);
    CHECK(occurrences(binary, cat({u32s({1, 16}), utf16("HOST.EXE"), u32s({0})})) == 1);
    // Block 9: one requirement, base, target, sequences 2 to 9.
    CHECK(occurrences(binary, u32s({9, 1, rule_index(p, "ID_ALLOW_BASE"),
                                    rule_index(p, "ID_ALLOW_HP"), 2, 9})) == 1);
    // Block 11: signer 0 excludes EKU 1; the Except EKU is not among its CertEKUs.
    CHECK(occurrences(binary, u32s({11, 1, 0, 1, 1, 12})) == 1);
    CHECK(p.signers[0].cert_ekus == std::vector<std::uint32_t>{0});
    // Block 10: the scenario's ArtifactRulesRef in ascending order, like FileRulesRef.
    CHECK(p.signing_scenarios[0].artifact_signers.artifact_rules_ref ==
          std::vector<std::uint32_t>{0, 1});
    CHECK(p.artifact_rules[0].hash.size() == 32);
    CHECK(p.artifact_rules[1].maximum_version == kMaxVersion);  // the schema's default
    // The new options: a bit, and a setting.
    CHECK(p.options.has(option_bit::conditional_windows_lockdown));
    CHECK(has_setting(p, "Microsoft", "PolicySettings",
                      "DisabledDefaultWindowsCertificateRemappingValueName"));
    CHECK(has_setting(p, "WDACAppId", "Tagging", "Team"));

    // The decompiled XML says it the schema's way again.
    const PolicyXml xml = write_policy_xml(read_policy_binary(binary));
    for (const char* text :
         {"RequireHotpatchID=", "MinimumHotpatchSequence=\"2\"", "MaximumHotpatchSequence=\"9\"",
          "Condition=\"Except\"", "<ArtifactRule ", "<sha256>", "<ArtifactSigners>",
          "<ArtifactRuleRef ", "<Macro Id=\"AppID_1\" Value=\"A.EXE\"",
          "AppIDs=\"$(AppID_1)$(AppID_2)\"", "AppIDs=\"HOST.EXE\"",
          "Disabled:Default Windows Certificate Remapping"})
        CHECK_THAT(xml.text, Contains(text));
}

TEST_CASE("AppID Tagging Policy: the type and its tags become settings and come back",
          "[compiler]") {
    const auto [p, binary] = compile_policy(XmlSource("t.xml", kTagging));
    CHECK(p.format_version == 8);
    CHECK(has_setting(p, "WDACAppId", "TaggingSettings", "DefaultPolicy"));
    CHECK(has_setting(p, "WDACAppId", "TaggingSettings", "EnforceDLL"));
    CHECK(has_setting(p, "WDACAppId", "Tagging", "Tier"));
    CHECK(p.options.has(option_bit::audit_mode | option_bit::umci |
                        option_bit::disable_script_enforcement));
    CHECK(recompile(binary) == binary);
    const PolicyXml xml = write_policy_xml(read_policy_binary(binary));
    CHECK_THAT(xml.text, Contains("PolicyType=\"AppID Tagging Policy\""));
    CHECK_THAT(xml.text, Contains("<AppIDTags EnforceDLL=\"true\">"));
    CHECK_THAT(compile_error(replace(kTagging, "Value=\"12\"", "Value=\"131\""), std::nullopt),
               Contains("an AppID Tagging Policy has user-mode signing scenarios (Value 12) only"));
}

TEST_CASE("UTF-16 and UTF-8 with a byte order mark compile like UTF-8", "[compiler]") {
    // A non-ASCII file name and a character outside the BMP (a surrogate pair in UTF-16).
    const std::string utf8 = replace(kEverything, "FileName=\"bad.dll\"",
                                     "FileName=\"b\xC3\xA4"
                                     "d\xF0\x9F\x98\x80.dll\"");
    const Bytes expected = compile_policy_xml(XmlSource("t.xml", utf8));
    CHECK(compile_policy_xml(XmlSource("t.xml", "\xEF\xBB\xBF" + utf8)) == expected);
    for (bool le : {true, false}) {
        INFO((le ? "UTF-16LE" : "UTF-16BE"));
        const std::string declared = replace(utf8, "encoding=\"utf-8\"", "encoding=\"utf-16\"");
        std::string text = encode_xml(declared, le ? XmlEncoding::utf16le : XmlEncoding::utf16be);
        CHECK(text.substr(0, 2) == to_utf16("", le));
        const XmlSource source("t.xml", text);
        CHECK(source.encoding() == (le ? XmlEncoding::utf16le : XmlEncoding::utf16be));
        CHECK(compile_policy_xml(source) == expected);
        // Saved as it came (as the editing commands read it): same encoding, same bytes.
        CHECK(save_xml(XmlSource("t.xml", text, true)) == text);
    }
}

TEST_CASE("errors in a UTF-16 document point at UTF-16 lines and columns", "[compiler]") {
    const std::string bad = replace(kEverything, "Type=\"Exclude\"", "Type=\"Except\"");
    const std::string text = encode_xml(bad, XmlEncoding::utf16le);
    const std::string message = compile_error(text, std::nullopt);
    CHECK_THAT(message, Contains("FileRule Type=\"Except\": must be Match (Allow), Exclude "
                                 "(Deny) or Attribute (FileAttrib)"));
    // The same line and column as the UTF-8 document's.
    CHECK(message == compile_error(bad, std::nullopt));
}

TEST_CASE("format 11 entries that no writer makes are refused", "[policy]") {
    const Bytes binary = compile_policy_xml(XmlSource("t.xml", kEverything));
    const Bytes block = u32s({11, 1, 0, 1, 1, 12});
    const auto at = std::search(binary.begin(), binary.end(), block.begin(), block.end());
    REQUIRE(at != binary.end());
    auto with_block = [&](const Bytes& replacement) {
        Bytes b(binary.begin(), at);
        b.insert(b.end(), replacement.begin(), replacement.end());
        return b;
    };
    auto error = [](const Bytes& b) -> std::string {
        try {
            read_policy_binary(b);
        } catch (const Error& e) {
            return e.what();
        }
        return "(no error)";
    };
    CHECK(error(with_block(block)) == "(no error)");
    CHECK_THAT(error(with_block(u32s({11, 1, 0, 0, 12}))),
               Contains("signer 0 has an empty CertEKU condition list"));
    CHECK_THAT(error(with_block(u32s({11, 2, 0, 1, 1, 0, 1, 1, 12}))),
               Contains("signer 0 has CertEKU conditions twice"));
}

TEST_CASE("a model read for the binary alone keeps rule IDs, not FriendlyNames", "[compiler]") {
    const std::string xml = replace(kEverything, R"(<Deny ID="ID_DENY_SINGLE")",
                                    R"(<Deny FriendlyName="a name" ID="ID_DENY_SINGLE")");
    const XmlSource source("t.xml", xml);
    const auto named = [](const Policy& p) {
        return std::find_if(p.file_rules.begin(), p.file_rules.end(),
                            [](const FileRule& r) { return r.xml.id == "ID_DENY_SINGLE"; });
    };
    // compile_policy's model is for callers that may show it: the name is there.
    const Policy full = compile_policy(source).model;
    REQUIRE(named(full) != full.file_rules.end());
    CHECK(named(full)->xml.friendly_name == "a name");
    // read_policy_to_compile's goes to the binary (which stores no names): the same bytes, and
    // the ID that messages name the rule by.
    Policy for_binary = read_policy_to_compile(source, std::nullopt);
    REQUIRE(named(for_binary) != for_binary.file_rules.end());
    CHECK(named(for_binary)->xml.friendly_name.empty());
    CHECK(write_policy_to_compile(for_binary, "t.xml") == compile_policy(source).binary);
}
