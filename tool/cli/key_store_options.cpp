#include "cli/key_store_options.hpp"

#include "cli/service_options.hpp"
#include "cli/signer_options.hpp"
#include "core/error.hpp"
#include "key_vault/key_vault_signer.hpp"
#include "pkcs11/pkcs11_signer.hpp"

namespace cipolicy::cli {
namespace fs = std::filesystem;

po::options_description key_store_options() {
    po::options_description opts("PKCS#11 token or HSM, Azure Key Vault");
    opts.add_options()("pkcs11-module", po::value<std::string>(),
                       "the token's PKCS#11 library (libsofthsm2.so, opensc-pkcs11.so, an HSM's)")(
        "pkcs11-uri", po::value<std::string>(),
        "RFC 7512 URI of the key, e.g. 'pkcs11:token=NAME;object=LABEL' (no PIN in it); "
        "the certificate from the token or --cert, the chain from --chain or the token")(
        "pin-env", po::value<std::string>(),
        "name of the environment variable holding the token's user PIN")(
        "pin-file", po::value<std::string>(), "file holding the token's user PIN")(
        "key-vault", po::value<std::string>(), "Azure Key Vault URL, https://NAME.vault.azure.net")(
        "key-vault-certificate", po::value<std::string>(),
        "name of the certificate in the vault (its key signs; intermediates from --chain)")(
        "key-vault-certificate-version", po::value<std::string>(),
        "the certificate version (default: the current one)");
    return opts;
}

void key_store_settings_from_command_line(const po::variables_map& vm, Settings& s) {
    auto str = [&](const char* name) -> std::optional<std::string> {
        if (!vm.count(name)) return std::nullopt;
        return vm[name].as<std::string>();
    };
    if (auto m = str("pkcs11-module")) s.pkcs11.module = fs::path(*m);
    s.pkcs11.uri = str("pkcs11-uri");
    s.pkcs11.pin_env = str("pin-env");
    if (auto f = str("pin-file")) s.pkcs11.pin_file = fs::path(*f);
    s.key_vault.url = str("key-vault");
    s.key_vault.certificate = str("key-vault-certificate");
    s.key_vault.version = str("key-vault-certificate-version");
    if (s.pkcs11.uri && s.key_vault.url)
        throw Error(ExitCode::usage,
                    "give a PKCS#11 key (--pkcs11-uri) or a Key Vault "
                    "certificate (--key-vault), not both");
    if (s.pkcs11.uri) s.provider = Provider::pkcs11;
    if (s.key_vault.url) s.provider = Provider::key_vault;
}

std::optional<Provider> wanted_key_store(const Settings& s) {
    if (s.provider) {
        if (*s.provider == Provider::pkcs11 || *s.provider == Provider::key_vault)
            return s.provider;
        return std::nullopt;
    }
    if (s.pkcs11.uri) return Provider::pkcs11;
    if (s.key_vault.url) return Provider::key_vault;
    return std::nullopt;
}

namespace {

std::unique_ptr<Signer> open_pkcs11(const Settings& s) {
    if (!pkcs11::available()) return pkcs11::open_signer({});  // says so in one line
    pkcs11::Options o;
    if (!s.pkcs11.uri)
        throw Error(ExitCode::usage,
                    "PKCS#11 signing needs --pkcs11-uri 'pkcs11:token=...;"
                    "object=...' (or pkcs11.uri in cipolicy.yaml)");
    o.uri = *s.pkcs11.uri;
    o.module = s.pkcs11.module.value_or(fs::path());
    o.pin = password_from(s.pkcs11.pin_env, s.pkcs11.pin_file, "--pin").password;
    if (s.local.cert) o.certificates = load_certificates(*s.local.cert);
    if (s.local.chain) o.chain = load_certificates(*s.local.chain);
    return pkcs11::open_signer(std::move(o));
}

std::unique_ptr<Signer> open_key_vault(const Settings& s, const po::variables_map& vm,
                                       const std::function<void(const std::string&)>& warn) {
    const KeyVaultSettings& k = s.key_vault;
    if (!k.url || !k.certificate)
        throw Error(ExitCode::usage,
                    "Key Vault signing needs --key-vault https://NAME.vault.azure.net and "
                    "--key-vault-certificate NAME (or the key-vault: section of cipolicy.yaml)");
    key_vault::SignerOptions o;
    o.vault.vault = key_vault::normalize_vault_url(*k.url, "--key-vault");
    if (auto w = key_vault::vault_warning(o.vault.vault); !w.empty() && warn) warn(w);
    o.vault.certificate = *k.certificate;
    o.vault.version = k.version.value_or("");
    o.vault.deadline = seconds_option(vm, "timeout", o.vault.deadline);
    o.vault.request_timeout = seconds_option(vm, "request-timeout", o.vault.request_timeout);
    if (vm.count("ca-file")) o.http.ca_file = vm["ca-file"].as<std::string>();
    o.credential.type = k.credential.value_or(s.trusted_signing.credential.value_or("default"));
    if (vm.count("access-token-file"))
        o.credential.access_token_file = vm["access-token-file"].as<std::string>();
    if (s.local.chain) o.chain = load_certificates(*s.local.chain);
    return key_vault::open_signer(std::move(o));
}

}  // namespace

std::unique_ptr<Signer> open_key_store_signer(const Settings& s, const po::variables_map& vm,
                                              const std::function<void(const std::string&)>& warn) {
    auto store = wanted_key_store(s);
    if (!store) return nullptr;
    if (*store == Provider::pkcs11) return open_pkcs11(s);
    return open_key_vault(s, vm, warn);
}

}  // namespace cipolicy::cli
