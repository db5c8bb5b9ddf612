// `check` against Microsoft's own data: the vulnerable driver blocklist (XML and its compiled
// binary) must block each real driver in ../shared/oracles/pe, naming the Deny rules that hold
// that driver's hashes. What those hashes are comes from the oracles' README (Microsoft's values),
// and which rules hold them from pugixml reading the blocklist, not from cipolicy's readers.

#include <catch2/catch.hpp>

#include <pugixml.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "check/checker.hpp"
#include "check/policy_source.hpp"
#include "core/bytes.hpp"
#include "pe/pe_file.hpp"
#include "test_support.hpp"

using namespace cipolicy;

namespace {

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// "| 13e50b30... | E5C0... | 9DCF... | CA5F... | D884... |" rows of oracles/pe/README.md: file
// name prefix -> its four hashes.
std::map<std::string, std::set<std::string>> expected_hashes() {
    std::map<std::string, std::set<std::string>> out;
    std::istringstream lines(read_text(test::oracle("oracles/pe/README.md")));
    for (std::string line; std::getline(lines, line);) {
        std::vector<std::string> cells;
        std::istringstream row(line);
        for (std::string cell; std::getline(row, cell, '|');) {
            const auto b = cell.find_first_not_of(' ');
            const auto e = cell.find_last_not_of(' ');
            if (b != std::string::npos) cells.push_back(cell.substr(b, e - b + 1));
        }
        if (cells.size() != 5 || cells[0].size() < 8 || cells[0].find("...") == std::string::npos)
            continue;
        Bytes probe;
        if (!from_hex(cells[1], probe)) continue;
        out[cells[0].substr(0, cells[0].find("..."))] = {cells[1], cells[2], cells[3], cells[4]};
    }
    return out;
}

// Deny rule ID -> Hash, read with pugixml.
std::map<std::string, std::string> deny_hashes(const std::filesystem::path& xml) {
    pugi::xml_document doc;
    REQUIRE(doc.load_file(xml.c_str()));
    std::map<std::string, std::string> out;
    for (auto deny : doc.child("SiPolicy").child("FileRules").children("Deny"))
        if (deny.attribute("Hash"))
            out[deny.attribute("ID").value()] = deny.attribute("Hash").value();
    return out;
}

std::vector<std::filesystem::path> drivers() {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::directory_iterator(test::oracle("oracles/pe")))
        if (e.path().extension() == ".sys") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE(
    "check: Microsoft's vulnerable driver blocklist blocks each real driver, naming the "
    "Deny rules with its hashes",
    "[oracle][check]") {
    const auto expected = expected_hashes();
    REQUIRE(expected.size() == 3);
    const auto xml_path = test::oracle("oracles/compile/SiPolicy_Enforced.xml");
    const auto bin_path = test::oracle("oracles/compile/SiPolicy_Enforced.bin");
    const auto denies = deny_hashes(xml_path);
    REQUIRE(denies.size() > 1000);
    const check::Checker from_xml(check::load_policy(xml_path.string()));
    const check::PolicySource bin = check::load_policy(bin_path.string());
    const policy::Policy bin_model = bin.policy;
    const check::Checker from_bin(bin);
    const auto files = drivers();
    REQUIRE(files.size() == 3);
    for (const auto& path : files) {
        INFO(path.filename().string());
        const std::string name = path.filename().string();
        const auto want = expected.find(name.substr(0, 8));
        REQUIRE(want != expected.end());
        std::set<std::string> want_ids;
        for (const auto& [id, hash] : denies)
            if (want->second.count(hash)) want_ids.insert(id);
        REQUIRE(want_ids.size() == 4);

        const pe::PeFile file = pe::read_pe_file(path);
        const check::Decision x = from_xml.check(file);
        CHECK(x.verdict == check::Verdict::blocked);
        CHECK(x.scenario == 131);
        std::set<std::string> got;
        for (const auto& f : x.deciding)
            if (f.kind == "Deny") got.insert(f.rule_id);
        CHECK(got == want_ids);
        CHECK(x.summary.find("denied by ") == 0);

        // The compiled binary has no IDs: its rules are named by place, and hold the same hashes.
        const check::Decision b = from_bin.check(file);
        CHECK(b.verdict == check::Verdict::blocked);
        std::set<std::string> got_hashes;
        for (const auto& f : b.deciding) {
            if (f.kind != "Deny") continue;
            REQUIRE(f.rule_id.rfind("FileRules[", 0) == 0);
            const auto index = std::stoul(f.rule_id.substr(10));
            REQUIRE(index < bin_model.file_rules.size());
            got_hashes.insert(to_hex(bin_model.file_rules[index].hash));
        }
        CHECK(got_hashes == want->second);
    }
}

TEST_CASE("check: the audit-mode blocklist lets each driver run, audit-only", "[oracle][check]") {
    const check::Checker audit(
        check::load_policy(test::oracle("oracles/compile/SiPolicy_Audit.xml").string()));
    for (const auto& path : drivers()) {
        INFO(path.filename().string());
        const check::Decision d = audit.check(pe::read_pe_file(path));
        CHECK(d.verdict == check::Verdict::audit_only);
        CHECK_FALSE(d.deciding.empty());
    }
}
