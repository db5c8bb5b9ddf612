// cipolicy.yaml and CIPOLICY_* variables, and how the layers combine.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include "config/settings.hpp"
#include "core/error.hpp"
#include "test_support.hpp"

using namespace cipolicy;
namespace fs = std::filesystem;

// An absolute path as the platform writes one ("/abs" has no drive on Windows, so it is relative
// to the drive of the configuration file's folder there).
#ifdef _WIN32
const char* const kAbsoluteKey = "C:\\abs\\signer.key";
#else
const char* const kAbsoluteKey = "/abs/signer.key";
#endif

TEST_CASE("a full configuration file is read, paths relative to its folder", "[config]") {
    fs::path file = test::write_config(
        "provider: local\n"
        "digest: sha384\n"
        "local:\n"
        "  cert: certs/signer.pem\n"
        "  key: '" +
        std::string(kAbsoluteKey) +
        "'\n"
        "  chain: certs/chain.pem\n"
        "  pfx-password-env: MY_PFX_PASSWORD\n"
        "trusted-signing:\n"
        "  endpoint: https://eus.codesigning.azure.net\n"
        "  account: acct\n"
        "  profile: prof\n"
        "timestamp:\n"
        "  urls: [http://a.example, http://b.example]\n"
        "output:\n"
        "  dir: signed\n");
    config::Settings s = config::load_settings_file(file);
    CHECK(s.provider == config::Provider::local);
    CHECK(s.digest == crypto::DigestAlgorithm::sha384);
    CHECK(*s.local.cert == file.parent_path() / "certs/signer.pem");
    CHECK(*s.local.key == fs::path(kAbsoluteKey));
    CHECK(*s.local.pfx_password_env == "MY_PFX_PASSWORD");
    CHECK(*s.trusted_signing.account == "acct");
    CHECK(*s.timestamp.urls == std::vector<std::string>{"http://a.example", "http://b.example"});
    CHECK(*s.output_dir == file.parent_path() / "signed");
}

#ifdef _WIN32
TEST_CASE("Windows paths in a configuration file: drives, UNC shares, drive-relative", "[config]") {
    fs::path file = test::write_config(
        "local:\n"
        "  cert: 'D:\\pki\\signer.pem'\n"
        "  key: '\\\\server\\share\\signer.key'\n"
        "  chain: '\\pki\\chain.pem'\n");
    config::Settings s = config::load_settings_file(file);
    CHECK(*s.local.cert == fs::path("D:\\pki\\signer.pem"));
    CHECK(*s.local.key == fs::path("\\\\server\\share\\signer.key"));
    // "\pki\chain.pem" names a folder of the configuration file's own drive.
    CHECK(*s.local.chain == file.root_name() / "\\pki\\chain.pem");
}
#endif

TEST_CASE("configuration errors name the file, line and key", "[config]") {
    fs::path unknown = test::write_config("local:\n  cert: a.pem\n  certificate: b.pem\n");
    CHECK_THROWS_WITH(config::load_settings_file(unknown),
                      Catch::Contains("cipolicy.yaml(3,3): unknown key \"local.certificate\""));
    fs::path digest = test::write_config("digest: md5\n");
    CHECK_THROWS_WITH(config::load_settings_file(digest),
                      Catch::Contains("(1,9): 'digest' must be sha256, sha384 or sha512"));
    fs::path provider = test::write_config("provider: cloud\n");
    CHECK_THROWS_WITH(config::load_settings_file(provider), Catch::Contains("'provider' must be"));
    fs::path broken = test::write_config("local: [unclosed\n");
    CHECK_THROWS_WITH(config::load_settings_file(broken), Catch::Contains("not valid YAML"));
    fs::path list = test::write_config("local:\n  cert: [a, b]\n");
    CHECK_THROWS_WITH(config::load_settings_file(list),
                      Catch::Contains("'local.cert' must be a single value"));
    CHECK_THROWS_AS(config::load_settings_file("/nonexistent/cipolicy.yaml"), Error);
}

TEST_CASE("the top layer wins field by field", "[config]") {
    config::Settings file, cli;
    file.digest = crypto::DigestAlgorithm::sha384;
    file.local.cert = "file.pem";
    file.timestamp.urls = std::vector<std::string>{"http://file"};
    cli.local.cert = "cli.pem";
    config::Settings s = config::overlay(file, cli);
    CHECK(*s.local.cert == fs::path("cli.pem"));
    CHECK(s.digest == crypto::DigestAlgorithm::sha384);
    CHECK(s.timestamp.urls->front() == "http://file");
}

TEST_CASE("CIPOLICY_* variables form a layer", "[config]") {
    test::set_env("CIPOLICY_TIMESTAMP_URLS", "http://one; http://two");
    test::set_env("CIPOLICY_DIGEST", "SHA-512");
    config::Settings s = config::settings_from_environment();
    test::set_env("CIPOLICY_TIMESTAMP_URLS", nullptr);
    test::set_env("CIPOLICY_DIGEST", nullptr);
    CHECK(*s.timestamp.urls == std::vector<std::string>{"http://one", "http://two"});
    CHECK(s.digest == crypto::DigestAlgorithm::sha512);
    test::set_env("CIPOLICY_DIGEST", "crc32");
    CHECK_THROWS_WITH(config::settings_from_environment(), Catch::Contains("CIPOLICY_DIGEST"));
    test::set_env("CIPOLICY_DIGEST", nullptr);
}
