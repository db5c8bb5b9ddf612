// `check` on small policies written here and files described by their facts (what tool/pe reads
// from a PE file): each rule kind, precedence, supplementals and the options that change the
// outcome. The oracle tests (check_oracle_test.cpp) run it on Microsoft's blocklist and real
// drivers.

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <string>

#include "check/checker.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "policy/xml_reader.hpp"
#include "policy/xml_source.hpp"

using namespace cipolicy;
using check::Checker;
using check::Decision;
using check::PolicySource;
using check::Verdict;

namespace {

const char* kBaseId = "{11111111-2222-3333-4444-555555555555}";
const char* kOtherId = "{99999999-2222-3333-4444-555555555555}";

struct Xml {
    std::string options = "Enabled:Unsigned System Integrity Policy";
    std::string ekus, file_rules, signers, kernel, user;
    std::string type = "Base Policy";
    std::string policy_id = kBaseId, base_id = kBaseId;
};

std::string text_of(const Xml& x) {
    std::string rules;
    std::size_t start = 0;
    while (start <= x.options.size()) {
        const std::size_t end = x.options.find('|', start);
        const std::string o = x.options.substr(start, end - start);
        if (!o.empty()) rules += "<Rule><Option>" + o + "</Option></Rule>";
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
           "<SiPolicy xmlns=\"urn:schemas-microsoft-com:sipolicy\" PolicyType=\"" +
           x.type +
           "\">\n"
           "<VersionEx>1.0.0.0</VersionEx>\n"
           "<PolicyID>" +
           x.policy_id + "</PolicyID>\n<BasePolicyID>" + x.base_id +
           "</BasePolicyID>\n"
           "<PlatformID>{2E07F7E4-194C-4D20-B7C9-6F44A6C5A234}</PlatformID>\n"
           "<Rules>" +
           rules + "</Rules>\n<EKUs>" + x.ekus + "</EKUs>\n<FileRules>" + x.file_rules +
           "</FileRules>\n<Signers>" + x.signers +
           "</Signers>\n<SigningScenarios>\n"
           "<SigningScenario Value=\"131\" ID=\"ID_SIGNINGSCENARIO_K\" FriendlyName=\"k\">"
           "<ProductSigners>" +
           x.kernel +
           "</ProductSigners></SigningScenario>\n"
           "<SigningScenario Value=\"12\" ID=\"ID_SIGNINGSCENARIO_U\" FriendlyName=\"u\">"
           "<ProductSigners>" +
           x.user +
           "</ProductSigners></SigningScenario>\n"
           "</SigningScenarios>\n<UpdatePolicySigners />\n<CiSigners />\n"
           "<HvciOptions>0</HvciOptions>\n</SiPolicy>\n";
}

PolicySource source(const Xml& x, const std::string& name = "base.xml") {
    const policy::XmlSource src(name, text_of(x));
    return {name, policy::read_policy_xml(src), true};
}

Bytes bytes(const std::string& hex) {
    Bytes b;
    REQUIRE(from_hex(hex, b));
    return b;
}

const std::string kSha256 = std::string(62, 'A') + "01";
const std::string kPca = std::string(62, 'C') + "02";
const std::string kLeaf = std::string(62, 'D') + "03";

pe::ChainCertificate cert(const std::string& cn, const std::string& tbs,
                          std::vector<std::string> ekus = {}) {
    pe::ChainCertificate c;
    c.common_name = cn;
    c.subject = "CN=" + cn;
    c.tbs_hash_algorithm = "sha256";
    c.tbs_hash = bytes(tbs);
    c.ekus = std::move(ekus);
    c.key_algorithm = pe::KeyAlgorithm::rsa;
    return c;
}

// A kernel-mode driver "drv.sys" 1.5.0.0, signed by "Contoso" under "Contoso PCA".
pe::PeFile driver() {
    pe::PeFile f;
    f.mode = pe::Mode::kernel;
    f.subsystem = 1;
    f.authenticode_sha1 = bytes(std::string(38, 'B') + "01");
    f.authenticode_sha256 = bytes(kSha256);
    f.page_sha1 = bytes(std::string(38, 'B') + "02");
    f.page_sha256 = bytes(std::string(62, 'A') + "02");
    f.version.file_version = std::array<std::uint16_t, 4>{1, 5, 0, 0};
    f.version.original_filename = "Drv.SYS";
    f.version.product_name = "Contoso Tools";
    pe::Signature s;
    s.digest_algorithm = "sha256";
    s.digest_matches = true;
    s.signature_valid = true;
    auto leaf = cert("Contoso", kLeaf, {"1.3.6.1.5.5.7.3.3"});
    leaf.issuer_common_name = "Contoso PCA";
    s.chain = {leaf, cert("Contoso PCA", kPca)};
    f.signatures.push_back(s);
    return f;
}

pe::PeFile user_exe() {
    pe::PeFile f = driver();
    f.mode = pe::Mode::user;
    f.subsystem = 3;
    f.version.original_filename = "app.exe";
    return f;
}

Decision run(const Xml& x, const pe::PeFile& f) {
    return Checker(source(x)).check(f);
}

bool decided_by(const Decision& d, const std::string& id) {
    for (const auto& f : d.deciding)
        if (f.rule_id == id) return true;
    return false;
}

const std::string kAllowAllKernel =
    "<FileRulesRef><FileRuleRef RuleID=\"ID_ALLOW_ALL\" /></FileRulesRef>";
const std::string kAllowAllRule = "<Allow ID=\"ID_ALLOW_ALL\" FileName=\"*\" />";

}  // namespace

TEST_CASE("check: an explicit deny wins over an allow-all rule, by hash", "[check]") {
    Xml x;
    x.file_rules = kAllowAllRule +
                   "<Deny ID=\"ID_DENY_DRV\" FriendlyName=\"drv Hash Sha256\" "
                   "Hash=\"" +
                   kSha256 + "\" />";
    x.kernel =
        "<FileRulesRef><FileRuleRef RuleID=\"ID_ALLOW_ALL\" /><FileRuleRef "
        "RuleID=\"ID_DENY_DRV\" /></FileRulesRef>";
    const Decision d = run(x, driver());
    CHECK(d.verdict == Verdict::blocked);
    CHECK(d.scenario == 131);
    REQUIRE(decided_by(d, "ID_DENY_DRV"));
    CHECK(d.deciding.front().why.find("Authenticode SHA256 " + kSha256) != std::string::npos);
    CHECK(d.summary.find("ID_DENY_DRV") != std::string::npos);

    // Without the deny, the allow-all rule decides.
    x.kernel = kAllowAllKernel;
    const Decision allowed = run(x, driver());
    CHECK(allowed.verdict == Verdict::allowed);
    CHECK(decided_by(allowed, "ID_ALLOW_ALL"));

    // A deny that names another hash leaves it allowed.
    x.file_rules =
        kAllowAllRule + "<Deny ID=\"ID_DENY_DRV\" Hash=\"" + std::string(64, 'E') + "\" />";
    x.kernel =
        "<FileRulesRef><FileRuleRef RuleID=\"ID_ALLOW_ALL\" /><FileRuleRef "
        "RuleID=\"ID_DENY_DRV\" /></FileRulesRef>";
    CHECK(run(x, driver()).verdict == Verdict::allowed);
}

TEST_CASE("check: page hashes and SHA-1 hashes match too", "[check]") {
    Xml x;
    x.file_rules = "<Allow ID=\"ID_ALLOW_PAGE\" Hash=\"" + std::string(38, 'B') + "02\" />";
    x.kernel = "<FileRulesRef><FileRuleRef RuleID=\"ID_ALLOW_PAGE\" /></FileRulesRef>";
    const Decision d = run(x, driver());
    CHECK(d.verdict == Verdict::allowed);
    REQUIRE(decided_by(d, "ID_ALLOW_PAGE"));
    CHECK(d.deciding.front().why.find("first-page SHA1") != std::string::npos);

    // Windows uses page hashes only for a file its signature covers: an unsigned file, or one
    // changed after signing, is judged by its whole Authenticode hash.
    pe::PeFile unsigned_file = driver();
    unsigned_file.signatures.clear();
    const Decision u = run(x, unsigned_file);
    CHECK(u.verdict == Verdict::blocked);
    REQUIRE_FALSE(u.notes.empty());
    CHECK(u.notes.front().why.find("not applied") != std::string::npos);
    pe::PeFile changed = driver();
    changed.signatures[0].digest_matches = false;
    CHECK(run(x, changed).verdict == Verdict::blocked);
}

TEST_CASE("check: no allow rule means blocked", "[check]") {
    Xml x;
    const Decision d = run(x, driver());
    CHECK(d.verdict == Verdict::blocked);
    CHECK(d.deciding.empty());
    CHECK(d.summary.find("no allow rule matched") != std::string::npos);
}

TEST_CASE("check: FileName rules compare names case-insensitively, with version ranges",
          "[check]") {
    Xml x;
    x.file_rules =
        "<Allow ID=\"ID_ALLOW_DRV\" FileName=\"drv.sys\" MinimumFileVersion=\"1.5.0.0\" />";
    x.kernel = "<FileRulesRef><FileRuleRef RuleID=\"ID_ALLOW_DRV\" /></FileRulesRef>";
    CHECK(decided_by(run(x, driver()), "ID_ALLOW_DRV"));
    pe::PeFile older = driver();
    older.version.file_version = std::array<std::uint16_t, 4>{1, 4, 65535, 0};
    CHECK(run(x, older).verdict == Verdict::blocked);

    // Allow with both bounds.
    x.file_rules =
        "<Allow ID=\"ID_ALLOW_DRV\" ProductName=\"CONTOSO tools\" "
        "MinimumFileVersion=\"1.0.0.0\" MaximumFileVersion=\"1.4.0.0\" />";
    CHECK(run(x, driver()).verdict == Verdict::blocked);
    CHECK(run(x, older).verdict == Verdict::blocked);
    pe::PeFile in_range = driver();
    in_range.version.file_version = std::array<std::uint16_t, 4>{1, 4, 0, 0};
    CHECK(run(x, in_range).verdict == Verdict::allowed);

    // A deny's lone MinimumFileVersion is a ceiling ("version or lower").
    x.file_rules =
        kAllowAllRule +
        "<Deny ID=\"ID_DENY_DRV\" FileName=\"DRV.SYS\" MinimumFileVersion=\"1.4.65535.0\" />";
    x.kernel =
        "<FileRulesRef><FileRuleRef RuleID=\"ID_ALLOW_ALL\" /><FileRuleRef "
        "RuleID=\"ID_DENY_DRV\" /></FileRulesRef>";
    CHECK(run(x, driver()).verdict == Verdict::allowed);
    CHECK(decided_by(run(x, older), "ID_DENY_DRV"));
    // And a Deny without versions denies every version.
    x.file_rules = kAllowAllRule + "<Deny ID=\"ID_DENY_DRV\" FileName=\"drv.sys\" />";
    CHECK(decided_by(run(x, driver()), "ID_DENY_DRV"));
    // A deny range.
    x.file_rules = kAllowAllRule +
                   "<Deny ID=\"ID_DENY_DRV\" FileName=\"drv.sys\" MinimumFileVersion=\"1.5.0.0\" "
                   "MaximumFileVersion=\"2.0.0.0\" />";
    CHECK(decided_by(run(x, driver()), "ID_DENY_DRV"));
    CHECK(run(x, older).verdict == Verdict::allowed);
}

TEST_CASE("check: signer rules match a TBS at its chain position, CertPublisher and CertEKU",
          "[check]") {
    Xml x;
    x.ekus = "<EKU ID=\"ID_EKU_CODE\" Value=\"01082B06010505070303\" />";
    x.signers =
        "<Signer ID=\"ID_SIGNER_CONTOSO\" Name=\"Contoso PCA\"><CertRoot Type=\"TBS\" "
        "Value=\"" +
        kPca + "\" /><CertPublisher Value=\"Contoso\" /></Signer>";
    x.kernel = "<AllowedSigners><AllowedSigner SignerId=\"ID_SIGNER_CONTOSO\" /></AllowedSigners>";
    const Decision d = run(x, driver());
    CHECK(d.verdict == Verdict::allowed);
    REQUIRE(decided_by(d, "ID_SIGNER_CONTOSO"));
    CHECK(d.deciding.front().why.find("chain[1]") != std::string::npos);
    CHECK(d.deciding.front().kind == "AllowedSigner");

    // Another publisher: no match.
    pe::PeFile other = driver();
    other.signatures[0].chain[0].common_name = "Fabrikam";
    CHECK(run(x, other).verdict == Verdict::blocked);

    // The file changed after signing: its signature counts for nothing.
    pe::PeFile changed = driver();
    changed.signatures[0].digest_matches = false;
    const Decision c = run(x, changed);
    CHECK(c.verdict == Verdict::blocked);
    REQUIRE_FALSE(c.notes.empty());
    CHECK(c.notes.front().why.find("changed after signing") != std::string::npos);

    // An ECDSA leaf is not usable for signer rules.
    pe::PeFile ecdsa = driver();
    ecdsa.signatures[0].chain[0].key_algorithm = pe::KeyAlgorithm::ecdsa;
    CHECK(run(x, ecdsa).verdict == Verdict::blocked);

    // CertEKU: the leaf must carry it.
    x.signers =
        "<Signer ID=\"ID_SIGNER_CONTOSO\" Name=\"Contoso PCA\"><CertRoot Type=\"TBS\" "
        "Value=\"" +
        kPca + "\" /><CertEKU ID=\"ID_EKU_CODE\" /></Signer>";
    CHECK(run(x, driver()).verdict == Verdict::allowed);
    pe::PeFile no_eku = driver();
    no_eku.signatures[0].chain[0].ekus.clear();
    CHECK(run(x, no_eku).verdict == Verdict::blocked);
}

TEST_CASE(
    "check: AllowedSigner with ExceptDenyRule, DeniedSigner with FileAttribRef and "
    "ExceptAllowRule",
    "[check]") {
    Xml x;
    x.file_rules = kAllowAllRule +
                   "<Deny ID=\"ID_DENY_EXCEPT\" FileName=\"drv.sys\" />"
                   "<FileAttrib ID=\"ID_FILEATTRIB_DRV\" FileName=\"drv.sys\" "
                   "MinimumFileVersion=\"0.0.0.0\" MaximumFileVersion=\"1.9.0.0\" />"
                   "<Allow ID=\"ID_ALLOW_EXCEPT\" ProductName=\"Contoso Tools\" />";
    x.signers = "<Signer ID=\"ID_SIGNER_A\" Name=\"a\"><CertRoot Type=\"TBS\" Value=\"" + kPca +
                "\" /></Signer>"
                "<Signer ID=\"ID_SIGNER_D\" Name=\"d\"><CertRoot Type=\"TBS\" Value=\"" +
                kLeaf + "\" /><FileAttribRef RuleID=\"ID_FILEATTRIB_DRV\" /></Signer>";

    // AllowedSigner whose ExceptDenyRule matches: the signer does not allow this file.
    x.kernel =
        "<AllowedSigners><AllowedSigner SignerId=\"ID_SIGNER_A\"><ExceptDenyRule "
        "DenyRuleID=\"ID_DENY_EXCEPT\" /></AllowedSigner></AllowedSigners>";
    const Decision e = run(x, driver());
    CHECK(e.verdict == Verdict::blocked);
    bool noted = false;
    for (const auto& n : e.notes)
        noted = noted || (n.rule_id == "ID_SIGNER_A" &&
                          n.why.find("ExceptDenyRule ID_DENY_EXCEPT") != std::string::npos);
    CHECK(noted);

    // DeniedSigner limited by FileAttribRef: drv.sys 1.5 is in 0..1.9, so it is denied even
    // though an allow-all rule matches.
    x.kernel = "<DeniedSigners><DeniedSigner SignerId=\"ID_SIGNER_D\" /></DeniedSigners>" +
               kAllowAllKernel;
    const Decision d = run(x, driver());
    CHECK(d.verdict == Verdict::blocked);
    REQUIRE(decided_by(d, "ID_SIGNER_D"));
    CHECK(d.deciding.front().why.find("chain[0] (the leaf)") != std::string::npos);
    CHECK(d.deciding.front().why.find("ID_FILEATTRIB_DRV") != std::string::npos);
    pe::PeFile newer = driver();
    newer.version.file_version = std::array<std::uint16_t, 4>{2, 0, 0, 0};
    CHECK(run(x, newer).verdict == Verdict::allowed);

    // ExceptAllowRule lifts the denial.
    x.kernel =
        "<DeniedSigners><DeniedSigner SignerId=\"ID_SIGNER_D\"><ExceptAllowRule "
        "AllowRuleID=\"ID_ALLOW_EXCEPT\" /></DeniedSigner></DeniedSigners>" +
        kAllowAllKernel;
    CHECK(run(x, driver()).verdict == Verdict::allowed);
}

TEST_CASE("check: user-mode files are checked only with Enabled:UMCI, in scenario 12", "[check]") {
    Xml x;
    const Decision no_umci = run(x, user_exe());
    CHECK(no_umci.verdict == Verdict::allowed);
    CHECK(no_umci.scenario == 12);
    CHECK(decided_by(no_umci, "Enabled:UMCI"));
    x.options += "|Enabled:UMCI";
    CHECK(run(x, user_exe()).verdict == Verdict::blocked);
    // A kernel-mode allow does not allow a user-mode file.
    x.file_rules = kAllowAllRule;
    x.kernel = kAllowAllKernel;
    CHECK(run(x, user_exe()).verdict == Verdict::blocked);
    x.user = kAllowAllKernel;
    CHECK(run(x, user_exe()).verdict == Verdict::allowed);
}

TEST_CASE("check: audit mode runs what enforcement would block", "[check]") {
    Xml x;
    x.options += "|Enabled:Audit Mode";
    x.file_rules = kAllowAllRule + "<Deny ID=\"ID_DENY_DRV\" Hash=\"" + kSha256 + "\" />";
    x.kernel =
        "<FileRulesRef><FileRuleRef RuleID=\"ID_ALLOW_ALL\" /><FileRuleRef "
        "RuleID=\"ID_DENY_DRV\" /></FileRulesRef>";
    const Decision d = run(x, driver());
    CHECK(d.verdict == Verdict::audit_only);
    CHECK(decided_by(d, "ID_DENY_DRV"));
    pe::PeFile other = driver();
    other.authenticode_sha256 = bytes(std::string(64, 'F'));
    CHECK(run(x, other).verdict == Verdict::allowed);
}

TEST_CASE("check: what only the machine knows is undecided, never allowed", "[check]") {
    Xml x;
    x.options += "|Enabled:UMCI";
    x.file_rules = "<Allow ID=\"ID_ALLOW_PATH\" FilePath=\"C:\\Program Files\\*\" />";
    x.user = "<FileRulesRef><FileRuleRef RuleID=\"ID_ALLOW_PATH\" /></FileRulesRef>";
    const Decision d = run(x, user_exe());
    CHECK(d.verdict == Verdict::undecided);
    CHECK(decided_by(d, "ID_ALLOW_PATH"));

    Xml isg;
    isg.options += "|Enabled:UMCI|Enabled:Intelligent Security Graph Authorization";
    const Decision i = run(isg, user_exe());
    CHECK(i.verdict == Verdict::undecided);
    CHECK(decided_by(i, "Enabled:Intelligent Security Graph Authorization"));

    // A FilePath deny next to an allow: undecided too.
    Xml deny;
    deny.options += "|Enabled:UMCI";
    deny.file_rules = kAllowAllRule + "<Deny ID=\"ID_DENY_PATH\" FilePath=\"C:\\Temp\\*\" />";
    deny.user =
        "<FileRulesRef><FileRuleRef RuleID=\"ID_ALLOW_ALL\" /><FileRuleRef "
        "RuleID=\"ID_DENY_PATH\" /></FileRulesRef>";
    const Decision p = run(deny, user_exe());
    CHECK(p.verdict == Verdict::undecided);
    CHECK(decided_by(p, "ID_DENY_PATH"));
}

TEST_CASE("check: Required:WHQL blocks a driver without a WHQL signature", "[check]") {
    Xml x;
    x.options += "|Required:WHQL";
    x.file_rules = kAllowAllRule;
    x.kernel = kAllowAllKernel;
    const Decision d = run(x, driver());
    CHECK(d.verdict == Verdict::blocked);
    CHECK(decided_by(d, "Required:WHQL"));
    pe::PeFile whql = driver();
    whql.signatures[0].whql = true;
    CHECK(run(x, whql).verdict == Verdict::allowed);
}

TEST_CASE("check: supplementals add allow rules, never denials", "[check]") {
    Xml base;
    base.options += "|Enabled:Allow Supplemental Policies";
    Xml supp;
    supp.type = "Supplemental Policy";
    supp.policy_id = kOtherId;
    supp.file_rules = "<Allow ID=\"ID_ALLOW_DRV\" Hash=\"" + kSha256 +
                      "\" /><Deny ID=\"ID_DENY_DRV\" FileName=\"drv.sys\" />";
    supp.kernel =
        "<FileRulesRef><FileRuleRef RuleID=\"ID_ALLOW_DRV\" /><FileRuleRef "
        "RuleID=\"ID_DENY_DRV\" /></FileRulesRef>";
    std::vector<PolicySource> supplementals;
    supplementals.push_back(source(supp, "supp.xml"));
    const Checker checker(source(base), std::move(supplementals));
    const Decision d = checker.check(driver());
    CHECK(d.verdict == Verdict::allowed);
    REQUIRE(decided_by(d, "ID_ALLOW_DRV"));
    CHECK(d.deciding.front().policy == "supp.xml");
    bool ignored = false;
    for (const auto& n : d.notes)
        ignored = ignored || (n.rule_id == "ID_DENY_DRV" && n.effect == check::Effect::ignored);
    CHECK(ignored);
    // Without the supplemental the base allows nothing.
    CHECK(Checker(source(base)).check(driver()).verdict == Verdict::blocked);

    // Windows would not combine these: refused, naming the file.
    const auto refused = [&](const Xml& b, const Xml& s) {
        std::vector<PolicySource> v;
        v.push_back(source(s, "supp.xml"));
        try {
            Checker c(source(b), std::move(v));
        } catch (const Error& e) {
            CHECK(e.code() == ExitCode::input);
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(refused(Xml{}, supp).find("Enabled:Allow Supplemental Policies") != std::string::npos);
    Xml stranger = supp;
    stranger.base_id = kOtherId;
    CHECK(refused(base, stranger).find("is not the base policy's PolicyID") != std::string::npos);
    CHECK(refused(base, base).find("not a supplemental") != std::string::npos);
}

TEST_CASE("check: a large deny list is found through the index", "[check]") {
    Xml x;
    std::string refs = "<FileRulesRef><FileRuleRef RuleID=\"ID_ALLOW_ALL\" />";
    x.file_rules = kAllowAllRule;
    for (int i = 0; i < 2000; ++i) {
        char hex[65];
        std::snprintf(hex, sizeof hex, "%064X", i);
        std::string h = hex;
        if (i == 1500) h = kSha256;
        const std::string id = "ID_DENY_" + std::to_string(i);
        x.file_rules += "<Deny ID=\"" + id + "\" Hash=\"" + h + "\" />";
        refs += "<FileRuleRef RuleID=\"" + id + "\" />";
    }
    x.kernel = refs + "</FileRulesRef>";
    const Checker checker(source(x));
    const Decision d = checker.check(driver());
    CHECK(d.verdict == Verdict::blocked);
    CHECK(d.deciding.size() == 1);
    CHECK(decided_by(d, "ID_DENY_1500"));
    pe::PeFile other = driver();
    other.authenticode_sha256 = bytes(std::string(64, 'F'));
    CHECK(checker.check(other).verdict == Verdict::allowed);
}
