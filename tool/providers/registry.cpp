#include "providers/registry.hpp"

#include "providers/openers.hpp"
#include "timestamp/client.hpp"

namespace cipolicy::providers {

using config::Provider;

// clang-format off
const std::vector<ProviderRow>& registry() {
    static const std::vector<ProviderRow> rows{
        // id, name, title, chosen by, setting groups, jobs, timestamp server, short-lived, open
        {Provider::local, "local", "a local key", {"local.cert", "local.key", "local.pfx"}, {"local"}, 1, "",
         false, open_local_key},
        // Trusted Signing certificates live three days: without a timestamp the policy stops
        // validating almost at once. The service takes many requests at once.
        {Provider::trusted_signing, "trusted-signing", "Trusted Signing",
         {"trusted-signing.endpoint", "trusted-signing.metadata"},
         {"trusted-signing", "azure", "http"}, 32, timestamp::kMicrosoftTsaUrl, true,
         open_trusted_signing},
        {Provider::pkcs11, "pkcs11", "a PKCS#11 token", {"pkcs11.uri"}, {"pkcs11", "local"}, 1, "", false,
         open_pkcs11},
        {Provider::key_vault, "key-vault", "Azure Key Vault", {"key-vault.url"}, {"key-vault", "azure", "http"}, 8,
         "", false, open_key_vault},
        {Provider::cert_store, "cert-store", "a certificate store",
         {"cert-store.store", "cert-store.thumbprint", "cert-store.subject"},
         {"cert-store", "local"}, 1, "", false, open_cert_store},
    };
    return rows;
}
// clang-format on

const ProviderRow& chosen_provider(const config::Settings& settings) {
    const Provider id = settings.provider.value_or(Provider::local);
    for (const auto& row : registry())
        if (row.id == id) return row;
    return registry().front();
}

std::unique_ptr<signing::Signer> open_signer(const config::Settings& settings,
                                             const Notices& notices) {
    return chosen_provider(settings).open(settings, notices);
}

}  // namespace cipolicy::providers
