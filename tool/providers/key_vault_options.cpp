#include "core/error.hpp"
#include "core/setting_name.hpp"
#include "key_vault/key_vault_signer.hpp"
#include "providers/openers.hpp"

namespace cipolicy::providers {

std::unique_ptr<signing::Signer> open_key_vault(const config::Settings& s, const Notices& notices) {
    const config::KeyVaultSettings& k = s.key_vault;
    if (!k.url || !k.certificate)
        throw Error(ExitCode::usage,
                    "Key Vault signing needs --key-vault https://NAME.vault.azure.net and "
                    "--key-vault-certificate NAME (or the key-vault: section of cipolicy.yaml)");
    key_vault::SignerOptions o;
    o.vault.vault = key_vault::normalize_vault_url(*k.url, "--key-vault");
    if (auto w = key_vault::vault_warning(o.vault.vault); !w.empty() && notices.warn)
        notices.warn(w);
    o.vault.certificate = *k.certificate;
    o.vault.version = k.version.value_or("");
    o.vault.deadline = milliseconds(s.azure.timeout, o.vault.deadline);
    o.vault.request_timeout = milliseconds(s.azure.request_timeout, o.vault.request_timeout);
    o.vault.deadline_setting = setting_name("azure.timeout");
    o.http.ca_file = s.http.ca_file;
    o.credential.cache_dir = s.http.cache_dir;
    o.credential.cache_notice = notices.detail;
    o.credential.type = k.credential.value_or(s.azure.credential.value_or("default"));
    o.credential.access_token_file = s.azure.access_token_file;
    o.credential.deadline = o.vault.deadline;
    o.credential.request_timeout = o.vault.request_timeout;
    o.credential.deadline_setting = o.vault.deadline_setting;
    if (s.local.chain) o.chain = crypto::load_certificates(*s.local.chain);
    return key_vault::open_signer(std::move(o));
}

}  // namespace cipolicy::providers
