// The setting table drives every source the same way, and docs/configuration.md lists it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "cli/options_table.hpp"
#include "config/setting_table.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/setting_name.hpp"
#include "test_support.hpp"

using namespace cipolicy;
namespace fs = std::filesystem;

TEST_CASE("docs/configuration.md lists every key of the setting table", "[config][config-doc]") {
    const std::string doc =
        read_text_file(fs::path(CIPOLICY_TEST_SOURCE_DIR) / ".." / "docs" / "configuration.md");
    const std::string begin = "<!-- settings-table:begin -->\n",
                      end = "<!-- settings-table:end -->";
    const auto from = doc.find(begin), to = doc.find(end);
    REQUIRE(from != std::string::npos);
    REQUIRE(to != std::string::npos);
    const std::string listed = doc.substr(from + begin.size(), to - from - begin.size());
    for (const auto& def : config::setting_table()) {
        INFO("key " << def.key);
        CHECK(listed.find("| `" + std::string(def.key) + "` |") != std::string::npos);
    }
    // The whole table as the code derives it, so that docs never drift from the code. On a
    // difference the expected text is written to settings-table.md in the working folder: paste
    // it between the markers.
    if (listed != config::settings_doc_table())
        std::ofstream("settings-table.md") << config::settings_doc_table();
    INFO("expected table (also in settings-table.md):\n" << config::settings_doc_table());
    CHECK(listed == config::settings_doc_table());
}

TEST_CASE("keys, variables and flags are each used once", "[config]") {
    std::set<std::string_view> keys, variables, flags;
    for (const auto& def : config::setting_table()) {
        INFO("key " << def.key);
        CHECK(keys.insert(def.key).second);
        CHECK(!def.doc.empty());
        if (!def.variable.empty()) {
            CHECK(variables.insert(def.variable).second);
            CHECK(def.variable.rfind("CIPOLICY_", 0) == 0);
        }
        if (!def.flag.empty()) CHECK(flags.insert(def.flag).second);
        // A section name is never a key itself (the YAML reader walks into sections).
        for (const auto& other : config::setting_table())
            CHECK(other.key.rfind(std::string(def.key) + ".", 0) != 0);
    }
}

TEST_CASE(
    "the timestamp and service settings come from the file, the environment and the "
    "command line alike",
    "[config]") {
    fs::path file = test::write_config(
        "http:\n"
        "  ca-file: ca.pem\n"
        "trusted-signing:\n"
        "  api-version: 2024-06-15\n"
        "  timeout: 120\n"
        "  correlation-id: from-file\n"
        "timestamp:\n"
        "  root: [tsa-root.pem]\n"
        "  retries: 5\n"
        "  retry-wait: 0\n"
        "  timeout: 2.5\n"
        "  jobs: 2\n"
        "  optional: true\n");
    config::Settings s = config::load_settings_file(file);
    CHECK(*s.http.ca_file == file.parent_path() / "ca.pem");
    CHECK(*s.trusted_signing.api_version == "2024-06-15");
    CHECK(*s.azure.timeout == 120);
    CHECK(*s.trusted_signing.correlation_id == "from-file");
    CHECK(*s.timestamp.roots == std::vector<fs::path>{file.parent_path() / "tsa-root.pem"});
    CHECK(*s.timestamp.retries == 5);
    CHECK(*s.timestamp.retry_wait == 0);
    CHECK(*s.timestamp.timeout == 2.5);
    CHECK(*s.timestamp.jobs == 2);
    CHECK(*s.timestamp.optional);
    CHECK_FALSE(s.timestamp.disabled);

    // command line > environment > file, field by field.
    test::set_env("CIPOLICY_TIMESTAMP_RETRIES", "1");
    test::set_env("CIPOLICY_CORRELATION_ID", "from-env");
    config::Settings cli;
    cli.trusted_signing.correlation_id = "from-cli";
    config::Settings r = resolve_settings(cli, file);
    test::set_env("CIPOLICY_TIMESTAMP_RETRIES", nullptr);
    test::set_env("CIPOLICY_CORRELATION_ID", nullptr);
    CHECK(*r.timestamp.retries == 1);
    CHECK(*r.trusted_signing.correlation_id == "from-cli");
    CHECK(*r.azure.timeout == 120);
}

TEST_CASE("bad values name where they came from", "[config]") {
    CHECK_THROWS_WITH(
        config::load_settings_file(test::write_config("trusted-signing:\n  timeout: 0\n")),
        Catch::Contains(
            "(2,12): 'trusted-signing.timeout': give a number of seconds between 0 and 86400"));
    CHECK_THROWS_WITH(
        config::load_settings_file(test::write_config("timestamp:\n  optional: maybe\n")),
        Catch::Contains("'timestamp.optional' must be true or false"));
    CHECK_THROWS_WITH(
        config::load_settings_file(test::write_config("timestamp:\n  urls: [ftp://x]\n")),
        Catch::Contains("'timestamp.urls' ftp://x: must be an http:// or https://"));
    CHECK_THROWS_WITH(
        config::load_settings_file(test::write_config("timestamp:\n  retries: {a: 1}\n")),
        Catch::Contains("'timestamp.retries' must be a single value"));
    test::set_env("CIPOLICY_API_VERSION", "2099-01-01");
    CHECK_THROWS_WITH(config::settings_from_environment(),
                      Catch::Contains("CIPOLICY_API_VERSION: '2099-01-01' is not supported; use "
                                      "2022-06-15-preview, 2023-06-15-preview or 2024-06-15"));
    test::set_env("CIPOLICY_API_VERSION", nullptr);
    test::set_env("CIPOLICY_TIMESTAMP_JOBS", "0");
    CHECK_THROWS_WITH(config::settings_from_environment(),
                      Catch::Contains("CIPOLICY_TIMESTAMP_JOBS: give a whole number, 1 or more"));
    test::set_env("CIPOLICY_TIMESTAMP_JOBS", nullptr);
}

TEST_CASE("messages name a setting by its key, and by its flag once the CLI says so", "[config]") {
    set_setting_namer(nullptr);  // main() installs the command line's namer
    CHECK(setting_name("trusted-signing.timeout") == "trusted-signing.timeout");
    config::Settings both;
    both.local.pfx = "a.pfx";
    both.trusted_signing.endpoint = "https://eus.codesigning.azure.net";
    CHECK_THROWS_WITH(resolve_settings(both, std::nullopt),
                      Catch::Contains("(local.cert/local.key, local.pfx)"));
    cli::name_settings_by_flag();
    CHECK(setting_name("trusted-signing.timeout") == "--timeout");
    CHECK(setting_name("local.root") == "--root");
    CHECK(setting_name("sign.allow-unsigned-option") == "--allow-unsigned-option");
    CHECK_THROWS_WITH(resolve_settings(both, std::nullopt),
                      Catch::Equals("give a local key (--cert/--key, --pfx), Trusted Signing "
                                    "(--endpoint, --metadata), a PKCS#11 token (--pkcs11-uri), "
                                    "Azure Key Vault (--key-vault) or a certificate store "
                                    "(--thumbprint): one of them, not both"));
}

TEST_CASE("azure.* is shared by Trusted Signing and Key Vault and the old keys are aliases",
          "[config]") {
    config::Settings s = config::load_settings_file(test::write_config(
        "azure:\n  credential: azure-cli\n  timeout: 30\n  request-timeout: 5\n"));
    CHECK(*s.azure.credential == "azure-cli");
    CHECK(*s.azure.timeout == 30);
    CHECK(*s.azure.request_timeout == 5);
    s = config::load_settings_file(
        test::write_config("trusted-signing:\n  credential: managed-identity\n"));
    CHECK(*s.azure.credential == "managed-identity");
    CHECK_THROWS_WITH(
        config::load_settings_file(
            test::write_config("azure:\n  timeout: 30\ntrusted-signing:\n  timeout: 40\n")),
        Catch::Contains("\"trusted-signing.timeout\" and \"azure.timeout\" name the same "
                        "setting "
                        "(azure.timeout): give one"));
    CHECK(config::find_setting("trusted-signing.timeout") == config::find_setting("azure.timeout"));
    CHECK_THAT(config::settings_doc_table(),
               Catch::Contains("(old key: `trusted-signing.request-timeout`)"));
}

TEST_CASE("the files a depfile lists come from the setting table", "[config]") {
    config::Settings s;
    s.local.cert = "c.pem";
    s.pkcs11.pin_file = "pin.txt";
    s.local.roots = std::vector<fs::path>{"r1.pem", "r2.pem"};
    s.azure.access_token_file = "token.txt";  // rotates: not a reason to sign again
    s.http.ca_file = "ca.pem";
    s.output_dir = "out";
    CHECK(config::files_named_by(s) ==
          std::vector<fs::path>{"c.pem", "r1.pem", "r2.pem", "pin.txt"});
}
