// The pkcs11: and key-vault: sections of cipolicy.yaml, and the Key Vault URL and name rules.
#include <catch2/catch.hpp>

#include <filesystem>

#include "config/settings.hpp"
#include "core/error.hpp"
#include "key_vault/vault_config.hpp"

using namespace cipolicy;
namespace fs = std::filesystem;

TEST_CASE("pkcs11 and key-vault sections are read", "[config][key-stores]") {
    const fs::path file = fs::path("/project") / "cipolicy.yaml";
    config::Settings s = config::parse_settings(
        "provider: pkcs11\n"
        "pkcs11:\n"
        "  module: opensc-pkcs11.so\n"
        "  uri: \"pkcs11:token=t;object=k\"\n"
        "  pin-env: TOKEN_PIN\n"
        "  pin-file: secrets/pin\n"
        "key-vault:\n"
        "  url: https://v.vault.azure.net\n"
        "  certificate: signer\n"
        "  certificate-version: abc123\n"
        "  credential: workload-identity\n",
        file);
    CHECK(s.provider == config::Provider::pkcs11);
    // A bare module name is left for p11-kit to find; a file relative to cipolicy.yaml is not.
    CHECK(*s.pkcs11.module == fs::path("opensc-pkcs11.so"));
    CHECK(*s.pkcs11.uri == "pkcs11:token=t;object=k");
    CHECK(*s.pkcs11.pin_env == "TOKEN_PIN");
    CHECK_THAT(s.pkcs11.pin_file->generic_string(), Catch::EndsWith("/project/secrets/pin"));
    CHECK(*s.key_vault.url == "https://v.vault.azure.net");
    CHECK(*s.key_vault.certificate == "signer");
    CHECK(*s.key_vault.version == "abc123");
    CHECK(*s.key_vault.credential == "workload-identity");

    config::Settings relative = config::parse_settings("pkcs11:\n  module: lib/module.so\n", file);
    CHECK_THAT(relative.pkcs11.module->generic_string(), Catch::EndsWith("/project/lib/module.so"));
    CHECK(config::provider_from_name("key-vault") == config::Provider::key_vault);
    CHECK_THROWS_WITH(config::parse_settings("pkcs11:\n  pin: 1234\n", file),
                      Catch::Contains("unknown key") && Catch::Contains("pkcs11.pin"));
}

TEST_CASE("the command line's key-store settings win field by field", "[config][key-stores]") {
    config::Settings file, cli;
    file.key_vault.url = "https://a.vault.azure.net";
    file.key_vault.certificate = "from-file";
    cli.key_vault.certificate = "from-cli";
    config::Settings s = config::overlay(file, cli);
    CHECK(*s.key_vault.url == "https://a.vault.azure.net");
    CHECK(*s.key_vault.certificate == "from-cli");
}

TEST_CASE("vault URLs are https without a path, names as Key Vault allows them", "[key-vault]") {
    using namespace key_vault;
    CHECK(normalize_vault_url("https://v.vault.azure.net//", "--key-vault") ==
          "https://v.vault.azure.net");
    CHECK_THROWS_AS(normalize_vault_url("http://v.vault.azure.net", "--key-vault"), Error);
    CHECK_THROWS_AS(normalize_vault_url("https://v.vault.azure.net/keys/x", "--key-vault"), Error);
    CHECK_THROWS_AS(normalize_vault_url("https://user@evil.example", "--key-vault"), Error);
    CHECK(vault_warning("https://v.vault.azure.net").empty());
    CHECK(vault_warning("https://v.vault.azure.cn:443").empty());
    CHECK_FALSE(vault_warning("https://vault.azure.net.evil.example").empty());
    CHECK(is_key_of_vault("https://v.vault.azure.net/keys/k/0123abc", "https://V.vault.azure.net"));
    CHECK_FALSE(
        is_key_of_vault("https://v.vault.azure.net.evil/keys/k/1", "https://v.vault.azure.net"));
    CHECK_FALSE(is_key_of_vault("https://v.vault.azure.net/keys/k", "https://v.vault.azure.net"));
    CHECK_FALSE(
        is_key_of_vault("https://v.vault.azure.net/keys/k/1/x", "https://v.vault.azure.net"));
    CHECK_FALSE(
        is_key_of_vault("https://v.vault.azure.net/keys/k/1?x=y", "https://v.vault.azure.net"));
    CHECK_FALSE(
        is_key_of_vault("https://v.vault.azure.net/secrets/k/1", "https://v.vault.azure.net"));
    CHECK_NOTHROW(check_object_name("policy-signer-2", "--key-vault-certificate"));
    CHECK_THROWS_AS(check_object_name("a/../b", "--key-vault-certificate"), Error);
    CHECK_THROWS_AS(check_object_name("", "--key-vault-certificate"), Error);
    CHECK_THROWS_AS(check_object_name(std::string(128, 'a'), "--key-vault-certificate"), Error);
}
