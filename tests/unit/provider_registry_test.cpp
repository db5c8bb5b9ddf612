// The provider registry: every row's name and choosing settings agree with the settings layer,
// and the defaults cmd_sign takes from it are the documented ones.
#include <catch2/catch.hpp>

#include <set>

#include "config/setting_table.hpp"
#include "config/settings.hpp"
#include "core/error.hpp"
#include "providers/registry.hpp"
#include "timestamp/client.hpp"

using namespace cipolicy;

namespace {

const providers::ProviderRow& row(config::Provider id) {
    for (const auto& r : providers::registry())
        if (r.id == id) return r;
    FAIL("no row");
    throw 0;
}

std::string value_for(std::string_view key) {
    if (key == "trusted-signing.endpoint") return "https://eus.codesigning.azure.net";
    if (key == "key-vault.url") return "https://v.vault.azure.net";
    if (key == "pkcs11.uri") return "pkcs11:token=t;object=k";
    return "x";
}

}  // namespace

TEST_CASE("each provider has one row, named as the settings name it", "[providers]") {
    std::set<config::Provider> seen;
    for (const auto& r : providers::registry()) {
        INFO(r.name);
        CHECK(seen.insert(r.id).second);
        CHECK(config::provider_from_name(r.name) == r.id);
        CHECK(r.open != nullptr);
        CHECK(r.jobs >= 1);
        for (auto group : r.setting_groups) {
            bool found = false;
            for (const auto& def : config::setting_table())
                found = found || def.key.rfind(std::string(group) + ".", 0) == 0;
            CHECK(found);
        }
    }
    CHECK(seen.size() == 5);
}

TEST_CASE("a row's choosing settings choose it on the command line", "[providers]") {
    for (const auto& r : providers::registry()) {
        for (auto key : r.chosen_by) {
            INFO(r.name << " by " << key);
            const config::SettingDef* def = config::find_setting(key);
            REQUIRE(def != nullptr);
            config::Settings cli;
            def->binding.store(cli, {value_for(key)}, nullptr);
            config::Settings s = config::resolve_settings(cli, std::nullopt);
            CHECK(providers::chosen_provider(s).id == r.id);
        }
    }
    CHECK(providers::chosen_provider(config::Settings{}).id == config::Provider::local);
}

TEST_CASE("the defaults cmd_sign takes from the registry", "[providers]") {
    const auto& ts = row(config::Provider::trusted_signing);
    CHECK(ts.jobs == 32);
    CHECK(ts.timestamp_url == timestamp::kMicrosoftTsaUrl);
    CHECK(ts.short_lived);
    CHECK(row(config::Provider::key_vault).jobs == 8);
    for (auto id : {config::Provider::local, config::Provider::pkcs11, config::Provider::key_vault,
                    config::Provider::cert_store}) {
        CHECK_FALSE(row(id).short_lived);
        CHECK(row(id).timestamp_url.empty());
    }
    CHECK(row(config::Provider::local).jobs == 1);
    CHECK(row(config::Provider::cert_store).jobs == 1);
}

#ifndef _WIN32
TEST_CASE("the certificate store is a one-line usage error off Windows", "[providers]") {
    config::Settings s;
    s.provider = config::Provider::cert_store;
    s.cert_store.thumbprint = std::string(40, 'a');
    try {
        providers::open_signer(s);
        FAIL("opened");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::usage);
        CHECK(std::string(e.what()).find('\n') == std::string::npos);
        CHECK_THAT(e.what(), Catch::StartsWith("--cert-store: Windows certificate stores exist "
                                               "only on Windows"));
    }
}
#endif

TEST_CASE("a certificate store needs a thumbprint or a subject, and a well-formed store name",
          "[providers]") {
    config::Settings s;
    s.provider = config::Provider::cert_store;
    CHECK_THROWS_WITH(providers::open_signer(s), Catch::Contains("--thumbprint SHA1 or --subject"));
    s.cert_store.thumbprint = std::string(40, 'a');
    s.cert_store.subject = "Contoso";
    CHECK_THROWS_WITH(providers::open_signer(s), Catch::Contains("one of the two"));
    s.cert_store.subject.reset();
    s.cert_store.store = "Elsewhere\\My";
    CHECK_THROWS_WITH(providers::open_signer(s),
                      Catch::Contains("the location must be CurrentUser or LocalMachine"));
}
