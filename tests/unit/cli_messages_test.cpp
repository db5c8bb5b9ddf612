// Issue 25 item 6: no setting key ("sign.output") reaches a user, and unknown names get a
// "did you mean".
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "cli/options_table.hpp"
#include "core/setting_name.hpp"
#include "core/suggest.hpp"

using namespace cipolicy;
namespace fs = std::filesystem;

namespace {

// Every quoted key a source file under tool/ hands to setting_name(), ternaries included.
std::set<std::string> keys_named_in_sources() {
    const std::regex call(R"re(setting_name\(([^;]*?)\)\s*[;+),])re");
    const std::regex literal(R"re("([a-z0-9-]+\.[a-z0-9.-]+)")re");
    std::set<std::string> keys;
    for (const auto& entry :
         fs::recursive_directory_iterator(fs::path(CIPOLICY_TEST_SOURCE_DIR) / ".." / "tool")) {
        if (entry.path().extension() != ".cpp") continue;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        const std::string s = text.str();
        for (std::sregex_iterator m(s.begin(), s.end(), call), end; m != end; ++m) {
            const std::string args = (*m)[1];
            for (std::sregex_iterator k(args.begin(), args.end(), literal); k != end; ++k)
                keys.insert((*k)[1]);
        }
    }
    return keys;
}

}  // namespace

TEST_CASE("every setting a message names reads as a flag on the command line", "[cli]") {
    cli::name_settings_by_flag();
    const auto keys = keys_named_in_sources();
    REQUIRE(keys.size() > 10);
    CHECK(keys.count("http.ca-file") == 1);  // the scan finds what messages name
    for (const auto& key : keys) {
        INFO(key);
        CHECK(setting_name(key).rfind("--", 0) == 0);
    }
}

TEST_CASE("did you mean: case, spaces and slips are forgiven, strangers are not", "[cli]") {
    const std::vector<std::string> options{"Enabled:Audit Mode", "Enabled:UMCI",
                                           "Enabled:Unsigned System Integrity Policy"};
    CHECK(closest_match("Enabled:Audit mode", options) == "Enabled:Audit Mode");
    CHECK(closest_match("enabled:auditmode", options) == "Enabled:Audit Mode");
    CHECK(closest_match("Audit Mode", options) == "Enabled:Audit Mode");
    CHECK(closest_match("Enabled:UCMI", options) == "Enabled:UMCI");
    CHECK_FALSE(closest_match("Disabled:Flight Signing", options));
    CHECK_FALSE(closest_match("", options));
    CHECK(did_you_mean("--outptu", {"--output", "--output-dir"}) == " (did you mean '--output'?)");
    CHECK(did_you_mean("--zzz", {"--output"}).empty());
}
