#include "cli/key_store_options.hpp"

#include "cli/service_options.hpp"
#include "cli/signer_options.hpp"
#include "core/error.hpp"
#include "key_vault/key_vault_signer.hpp"
#include "pkcs11/pkcs11_signer.hpp"

namespace cipolicy::cli {
namespace fs = std::filesystem;

namespace {

std::unique_ptr<signing::Signer> open_pkcs11(const config::Settings& s) {
    if (!pkcs11::available()) return pkcs11::open_signer({});  // says so in one line
    pkcs11::Options o;
    if (!s.pkcs11.uri)
        throw Error(ExitCode::usage,
                    "PKCS#11 signing needs --pkcs11-uri 'pkcs11:token=...;"
                    "object=...' (or pkcs11.uri in cipolicy.yaml)");
    o.uri = *s.pkcs11.uri;
    o.module = s.pkcs11.module.value_or(fs::path());
    o.pin = password_from(s.pkcs11.pin_env, s.pkcs11.pin_file, "--pin").password;
    if (s.local.cert) o.certificates = crypto::load_certificates(*s.local.cert);
    if (s.local.chain) o.chain = crypto::load_certificates(*s.local.chain);
    return pkcs11::open_signer(std::move(o));
}

std::unique_ptr<signing::Signer> open_key_vault(
    const config::Settings& s, const std::function<void(const std::string&)>& warn) {
    const config::KeyVaultSettings& k = s.key_vault;
    if (!k.url || !k.certificate)
        throw Error(ExitCode::usage,
                    "Key Vault signing needs --key-vault https://NAME.vault.azure.net and "
                    "--key-vault-certificate NAME (or the key-vault: section of cipolicy.yaml)");
    key_vault::SignerOptions o;
    o.vault.vault = key_vault::normalize_vault_url(*k.url, "--key-vault");
    if (auto w = key_vault::vault_warning(o.vault.vault); !w.empty() && warn) warn(w);
    o.vault.certificate = *k.certificate;
    o.vault.version = k.version.value_or("");
    o.vault.deadline = milliseconds(s.trusted_signing.timeout, o.vault.deadline);
    o.vault.request_timeout =
        milliseconds(s.trusted_signing.request_timeout, o.vault.request_timeout);
    o.http.ca_file = s.http.ca_file;
    o.credential.cache_dir = s.http.cache_dir;
    o.credential.type = k.credential.value_or(s.trusted_signing.credential.value_or("default"));
    o.credential.access_token_file = s.trusted_signing.access_token_file;
    if (s.local.chain) o.chain = crypto::load_certificates(*s.local.chain);
    return key_vault::open_signer(std::move(o));
}

}  // namespace

std::unique_ptr<signing::Signer> open_key_store_signer(
    const config::Settings& s, const std::function<void(const std::string&)>& warn) {
    auto store = config::wanted_key_store(s);
    if (!store) return nullptr;
    if (*store == config::Provider::pkcs11) return open_pkcs11(s);
    return open_key_vault(s, warn);
}

}  // namespace cipolicy::cli
