// A catalogue of malformed policy XML: each case asserts the whole one-line message, including the
// file, line and column of the element or attribute at fault.

#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "core/error.hpp"
#include "policy/compiler.hpp"
#include "policy/xml_source.hpp"
#include "test_support.hpp"

using namespace cipolicy;
using cipolicy::policy::compile_policy_xml;
using cipolicy::policy::XmlSource;

namespace {

// Lines 1-6 are fixed, so `body` starts on line 7.
std::string policy_text(const std::string& body,
                        const std::string& root_attributes = R"( PolicyType="Base Policy")",
                        const std::string& ids =
                            "<PolicyTypeID>{A244370E-44C9-4C06-B551-F6016E563076}</PolicyTypeID>") {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
           "<SiPolicy xmlns=\"urn:schemas-microsoft-com:sipolicy\"" +
           root_attributes +
           ">\n"
           "  <VersionEx>1.0.0.0</VersionEx>\n"
           "  " +
           ids +
           "\n"
           "  <PlatformID>{2E07F7E4-194C-4D20-B7C9-6F44A6C5A234}</PlatformID>\n"
           "  <Rules><Rule><Option>Enabled:Unsigned System Integrity "
           "Policy</Option></Rule></Rules>\n" +
           body + "</SiPolicy>\n";
}

// The message for `xml` as text ("t.xml"), or read from a file named t.xml, which pugixml parses
// in place: its rewrite of values and delimiters must not move a line or column.
std::string error_of(const std::string& xml, bool from_file = false) {
    try {
        if (from_file) {
            const auto file = test::write_config("").parent_path() / "t.xml";
            std::ofstream(file, std::ios::binary) << xml;
            try {
                compile_policy_xml(XmlSource::from_file(file, xml));
            } catch (const Error& e) {
                std::string message = e.what();
                for (auto at = message.find(file.string()); at != std::string::npos;
                     at = message.find(file.string(), at))
                    message.replace(at, file.string().size(), "t.xml");
                throw Error(e.code(), message);
            }
        } else {
            const XmlSource source("t.xml", xml);
            compile_policy_xml(source);
        }
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::input);
        const std::string message = e.what();
        CHECK(message.find('\n') == std::string::npos);
        return message;
    }
    FAIL("compiled without an error");
    return {};
}

// A file rule on line 7 and a scenario on line 8 whose FileRulesRef holds `ref`.
std::string rule_ref(const std::string& ref) {
    return "  <FileRules><Allow ID=\"ID_ALLOW_A\" FileName=\"a\" /></FileRules>\n"
           "  <SigningScenarios><SigningScenario ID=\"ID_SIGNINGSCENARIO_S\" Value=\"12\">"
           "<ProductSigners><FileRulesRef>" +
           ref + "</FileRulesRef></ProductSigners></SigningScenario></SigningScenarios>\n";
}

const std::string kSigner =
    "  <Signers><Signer ID=\"ID_SIGNER_S_1\" Name=\"s\"><CertRoot Type=\"TBS\" "
    "Value=\"0011\" /></Signer></Signers>\n";

}  // namespace

TEST_CASE("malformed policy XML: one located line per problem", "[compiler][errors]") {
    struct Case {
        std::string xml;
        std::string message;
    };
    const std::vector<Case> cases = {
        // 1. not well-formed
        {policy_text("  <FileRules>\n"),
         "t.xml(8,3): not well-formed XML: Start-end tags mismatch"},
        // 2. wrong root
        {"<Policy/>",
         "t.xml(1,2): Policy: the root element must be SiPolicy (is this a policy XML "
         "file?)"},
        // 3. wrong namespace
        {"<SiPolicy xmlns=\"urn:x\"/>",
         "t.xml(1,11): SiPolicy xmlns=\"urn:x\": the namespace must be "
         "urn:schemas-microsoft-com:sipolicy"},
        // 4. unknown element
        {policy_text("  <Extra />\n"), "t.xml(7,4): Extra: element not allowed in SiPolicy"},
        // 5. unknown attribute
        {policy_text("", " Color=\"red\""),
         "t.xml(2,54): SiPolicy Color=\"red\": attribute not allowed here"},
        // 6. unknown rule option
        {policy_text("  <Rules />\n"), "t.xml(7,4): Rules: only one Rules is allowed in SiPolicy"},
        // 7. duplicate file rule ID
        {policy_text("  <FileRules>\n    <Allow ID=\"ID_ALLOW_A\" FileName=\"a\" />\n"
                     "    <Deny ID=\"ID_ALLOW_A\" FileName=\"b\" />\n  </FileRules>\n"),
         "t.xml(9,11): Deny ID=\"ID_ALLOW_A\": duplicate file rule ID (first defined at "
         "t.xml(8,6))"},
        // 8. bad version
        {policy_text("  <FileRules><Allow ID=\"ID_ALLOW_A\" MinimumFileVersion=\"1.2.3.65536\" "
                     "/></FileRules>\n"),
         "t.xml(7,37): Allow MinimumFileVersion=\"1.2.3.65536\": not a version (four numbers "
         "0-65535 separated by dots)"},
        // 9. odd-length hash
        {policy_text("  <FileRules><Deny ID=\"ID_DENY_D\" Hash=\"ABC\" /></FileRules>\n"),
         "t.xml(7,35): Deny Hash=\"ABC\": not hex (an even number of digits 0-9, A-F expected)"},
        // 10. non-hex EKU
        {policy_text("  <EKUs><EKU ID=\"ID_EKU_E\" Value=\"01XY\" /></EKUs>\n"),
         "t.xml(7,28): EKU Value=\"01XY\": not hex (an even number of digits 0-9, A-F expected)"},
        // 11. dangling FileRuleRef
        {policy_text(
             "  <SigningScenarios><SigningScenario ID=\"ID_SIGNINGSCENARIO_S\" Value=\"12\">"
             "<ProductSigners><FileRulesRef><FileRuleRef RuleID=\"ID_ALLOW_X\" />"
             "</FileRulesRef></ProductSigners></SigningScenario></SigningScenarios>\n"),
         "t.xml(7,118): FileRuleRef RuleID=\"ID_ALLOW_X\": no file rule has this ID"},
        // 12. dangling SignerId
        {policy_text("  <UpdatePolicySigners><UpdatePolicySigner SignerId=\"ID_SIGNER_NOPE\" />"
                     "</UpdatePolicySigners>\n"),
         "t.xml(7,44): UpdatePolicySigner SignerId=\"ID_SIGNER_NOPE\": no signer has this ID"},
        // 13. dangling CertEKU
        {policy_text("  <Signers><Signer ID=\"ID_SIGNER_S\" Name=\"s\"><CertRoot Type=\"TBS\" "
                     "Value=\"00\" /><CertEKU ID=\"ID_EKU_X\" /></Signer></Signers>\n"),
         "t.xml(7,89): CertEKU ID=\"ID_EKU_X\": no EKU has this ID"},
        // 14. bad CertRoot Type
        {policy_text("  <Signers><Signer ID=\"ID_SIGNER_S\" Name=\"s\"><CertRoot Type=\"SHA1\" "
                     "Value=\"00\" /></Signer></Signers>\n"),
         "t.xml(7,56): CertRoot Type=\"SHA1\": must be TBS or Wellknown"},
        // 15. signer without CertRoot
        {policy_text("  <Signers><Signer ID=\"ID_SIGNER_S\" Name=\"s\" /></Signers>\n"),
         "t.xml(7,13): Signer: missing required element CertRoot"},
        // 16. signer without Name
        {policy_text("  <Signers><Signer ID=\"ID_SIGNER_S\"><CertRoot Type=\"TBS\" Value=\"00\" />"
                     "</Signer></Signers>\n"),
         "t.xml(7,13): Signer: missing required attribute Name"},
        // 17. bad GUID
        {policy_text("", R"( PolicyType="Base Policy")",
                     "<PolicyTypeID>{A244370E-44C9}</PolicyTypeID>"),
         "t.xml(4,4): PolicyTypeID: '{A244370E-44C9}' is not a GUID "
         "({XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX} expected)"},
        // 18. PolicyID without BasePolicyID
        {policy_text("", R"( PolicyType="Base Policy")",
                     "<PolicyID>{A244370E-44C9-4C06-B551-F6016E563076}</PolicyID>"),
         "t.xml(4,4): PolicyID: PolicyID needs a BasePolicyID beside it"},
        // 19. no identity at all
        {policy_text("", "", "<!-- none -->"),
         "t.xml(2,2): SiPolicy: missing PolicyTypeID, or PolicyID and BasePolicyID"},
        // 20. supplemental in single-policy format
        {policy_text("", R"( PolicyType="Supplemental Policy")"),
         "t.xml(2,54): SiPolicy PolicyType=\"Supplemental Policy\": a supplemental policy needs "
         "PolicyID and BasePolicyID"},
        // 21. unknown PolicyType
        {policy_text("", R"( PolicyType="Tagging")"),
         "t.xml(2,54): SiPolicy PolicyType=\"Tagging\": must be 'Base Policy', 'Supplemental "
         "Policy' or 'AppID Tagging Policy'"},
        // 22. scenario Value out of range
        {policy_text(
             "  <SigningScenarios><SigningScenario ID=\"ID_SIGNINGSCENARIO_S\" Value=\"256\">"
             "<ProductSigners /></SigningScenario></SigningScenarios>\n"),
         "t.xml(7,64): SigningScenario Value=\"256\": not a number from 0 to 255"},
        // 23. Macros: an Id the schema's pattern refuses
        {policy_text("  <Macros><Macro Id=\"1A\" Value=\"b\" /></Macros>\n"),
         "t.xml(7,18): Macro Id=\"1A\": a macro Id is a letter or _, then letters, digits, _ or ."},
        // 24. AppIDs naming an undefined macro
        {policy_text("  <FileRules><Allow ID=\"ID_ALLOW_A\" AppIDs=\"$(A)\" /></FileRules>\n"),
         "t.xml(7,37): Allow AppIDs=\"$(A)\": no Macro has the Id 'A'"},
        // 25. bad SignTimeAfter
        {policy_text("  <Signers><Signer ID=\"ID_SIGNER_S\" Name=\"s\" SignTimeAfter=\"yesterday\">"
                     "<CertRoot Type=\"TBS\" Value=\"00\" /></Signer></Signers>\n"),
         "t.xml(7,46): Signer SignTimeAfter=\"yesterday\": not a date and time "
         "(YYYY-MM-DDThh:mm:ss[Z] expected)"},
        // 26. setting with two values
        {policy_text("  <Settings><Setting Provider=\"P\" Key=\"K\" ValueName=\"V\"><Value>"
                     "<DWord>1</DWord><String>x</String></Value></Setting></Settings>\n"),
         "t.xml(7,81): String: a setting has one value only"},
        // 27. Boolean that is not one
        {policy_text("  <Settings><Setting Provider=\"P\" Key=\"K\" ValueName=\"V\"><Value>"
                     "<Boolean>yes</Boolean></Value></Setting></Settings>\n"),
         "t.xml(7,65): Boolean: must be true, false, 1 or 0"},
        // 28. dangling FileAttribRef in a valid signer
        {policy_text(
             "  <Signers><Signer ID=\"ID_SIGNER_S\" Name=\"s\"><CertRoot Type=\"TBS\" "
             "Value=\"00\" /><FileAttribRef RuleID=\"ID_FILEATTRIB_F\" /></Signer></Signers>\n"),
         "t.xml(7,95): FileAttribRef RuleID=\"ID_FILEATTRIB_F\": no file rule has this ID"},
        // 29. InheritedScenarios naming nothing
        {policy_text(
             "  <SigningScenarios><SigningScenario ID=\"ID_SIGNINGSCENARIO_S\" Value=\"12\" "
             "InheritedScenarios=\"ID_SIGNINGSCENARIO_X\"><ProductSigners />"
             "</SigningScenario></SigningScenarios>\n"),
         "t.xml(7,75): SigningScenario InheritedScenarios=\"ID_SIGNINGSCENARIO_X\": no signing "
         "scenario has the ID 'ID_SIGNINGSCENARIO_X'"},
        // 30. an unused valid signer is fine, but text where elements belong is not
        {policy_text(kSigner + "  <CiSigners>oops</CiSigners>\n"),
         "t.xml(8,4): CiSigners: unexpected text 'oops'"},
        // 31. UTF-16 cut short (an odd number of bytes after the byte order mark)
        {std::string("\xFF\xFE<\0S", 5),
         "t.xml: UTF-16 text with an odd number of bytes (the file is cut short or not UTF-16); "
         "save it again"},
        // 32. UTF-16 with an unpaired surrogate, on line 2 column 3
        {std::string("\xFF\xFE<\0\n\0a\0b\0\x00\xD8<\0", 14),
         "t.xml(2,3): not valid UTF-16 (an unpaired surrogate); save the file again as UTF-16 or "
         "UTF-8"},
        // 33. UTF-16 without a byte order mark
        {std::string("<\0?\0", 4),
         "t.xml(1,1): UTF-16 without a byte order mark; save it with one (PowerShell: Out-File "
         "-Encoding Unicode) or as UTF-8"},
        // 34-38. a FileRuleRef other than the usual one (RuleID alone, no content), which the
        // reader takes in one look, is judged in full
        {policy_text(rule_ref("<FileRuleRef RuleID=\"ID_ALLOW_A\" Color=\"red\" />")),
         "t.xml(8,138): FileRuleRef Color=\"red\": attribute not allowed here"},
        {policy_text(rule_ref("<FileRuleRef Color=\"red\" RuleID=\"ID_ALLOW_A\" />")),
         "t.xml(8,118): FileRuleRef Color=\"red\": attribute not allowed here"},
        {policy_text(rule_ref("<FileRuleRef />")),
         "t.xml(8,106): FileRuleRef: missing required attribute RuleID"},
        {policy_text(rule_ref("<FileRuleRef RuleID=\"ID_ALLOW_A\"><X/></FileRuleRef>")),
         "t.xml(8,139): X: element not allowed in FileRuleRef"},
        {policy_text(rule_ref("<FileRuleRef RuleID=\"ID_ALLOW_A\">hello</FileRuleRef>")),
         "t.xml(8,106): FileRuleRef: unexpected text 'hello'"},
    };
    REQUIRE(cases.size() >= 20);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        INFO("case " << i + 1);
        CHECK(error_of(cases[i].xml) == cases[i].message);
        CHECK(error_of(cases[i].xml, true) == cases[i].message);
    }
}

TEST_CASE("an error after values the parser rewrites in place is located as in the file",
          "[compiler][errors]") {
    // Entities, multi-byte characters and a line end inside values shrink or change them on the
    // error's line and before it; a value spans lines. (Line 12: the Deny's value ends there.)
    const std::string xml = policy_text(
        "  <FileRules>\n"
        "    <Allow ID=\"ID_A\" FriendlyName=\"one\r\n two\n three\" FileName=\"a.exe\" />\n"
        "    <Deny ID=\"ID_B\" FriendlyName=\"x &amp; y &#233;\u00e9 &lt;\r\n\" FileName = "
        "'\u20ac &quot;q&quot;' Hash=\"XYZ\" />\n"
        "  </FileRules>\n");
    const std::string expected =
        "t.xml(12,32): Deny Hash=\"XYZ\": not hex (an even number of digits 0-9, A-F expected)";
    CHECK(error_of(xml) == expected);
    CHECK(error_of(xml, true) == expected);
}

TEST_CASE("policy-level checks ConvertFrom-CIPolicy applies", "[compiler][errors]") {
    // Without option 6 a policy must name an UpdatePolicySigner.
    std::string xml = policy_text("");
    const std::string option6 =
        "<Rule><Option>Enabled:Unsigned System Integrity Policy</Option></Rule>";
    xml.replace(xml.find(option6), option6.size(), "<Rule><Option>Enabled:UMCI</Option></Rule>");
    CHECK(error_of(xml) ==
          "t.xml(2,2): SiPolicy: a policy without option 'Enabled:Unsigned System Integrity "
          "Policy' must name an UpdatePolicySigner (add one with 'cipolicy add-signer --update', "
          "or add the option)");
    // A supplemental policy must not allow supplemental policies.
    const std::string ids =
        "<PolicyID>{B5C8D1E7-A920-4E0C-BD86-783BB59C145E}</PolicyID>"
        "<BasePolicyID>{E0ABDA1F-CCF0-468E-8855-3E0F08B02D6A}</BasePolicyID>";
    xml = policy_text(
        "  <Rules><Rule><Option>Enabled:Allow Supplemental Policies</Option></Rule></Rules>\n",
        R"( PolicyType="Supplemental Policy")", ids);
    xml.erase(xml.find("  <Rules><Rule><Option>Enabled:Unsigned"),
              xml.find("</Rules>\n") + 9 - xml.find("  <Rules><Rule><Option>Enabled:Unsigned"));
    CHECK(error_of(xml) ==
          "t.xml(6,17): Option: a supplemental policy cannot allow supplemental "
          "policies");
    // Unknown option names are case-sensitive, as the schema's enumeration is.
    xml = policy_text("");
    xml.replace(xml.find("Enabled:Unsigned"), 16, "enabled:unsigned");
    CHECK(error_of(xml).starts_with(
        "t.xml(6,17): Option: unknown rule option 'enabled:unsigned System Integrity Policy'"));
}
