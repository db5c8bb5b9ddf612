#include "config/setting_table.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/ascii.hpp"
#include "core/quote.hpp"
#include "platform/paths.hpp"

namespace cipolicy::config {
namespace fs = std::filesystem;

namespace {

using Values = std::vector<std::string>;

// Where a setting lives in Settings, for both const and mutable access.
#define CIPOLICY_AT(field) \
    [](auto& s) -> auto& { \
        return s.field;    \
    }

template <typename Get>
auto take_from(Get get) {
    return [get](Settings& s, const Settings& top) {
        if (get(top)) get(s) = get(top);
    };
}

fs::path resolved(const fs::path* base, const std::string& value) {
    return base ? platform::resolve_against(*base, fs::path(value)) : fs::path(value);
}

using Check = void (*)(const std::string& value);

template <typename Get>
SettingBinding text(Get get, Check check = nullptr) {
    return {SettingArity::one, ";",
            [get, check](Settings& s, const Values& v, const fs::path*) {
                if (check) check(v.front());
                get(s) = v.front();
            },
            take_from(get)};
}

// Whether a file's content shapes the signed output (a key, a certificate, metadata), so that
// a --depfile names it; a folder, a CA bundle or a token file does not.
enum class Shapes { output, nothing };

template <typename Get>
auto read_one(Get get) {
    return [get](const Settings& s, std::vector<fs::path>& out) {
        if (get(s)) out.push_back(*get(s));
    };
}

// A folder the run writes into.
template <typename Get>
SettingBinding folder(Get get) {
    return {SettingArity::one, ";",
            [get](Settings& s, const Values& v, const fs::path* base) {
                get(s) = resolved(base, v.front());
            },
            take_from(get)};
}

// A file the run reads (what no output may replace); `shapes` says whether its content also
// shapes the signed output, so that a --depfile names it.
template <typename Get>
SettingBinding file(Get get, Shapes shapes = Shapes::output) {
    SettingBinding b = folder(get);
    b.files_read = read_one(get);
    if (shapes == Shapes::output)
        b.inputs = [get](const Settings& s) {
            return get(s) ? std::vector<fs::path>{*get(s)} : std::vector<fs::path>{};
        };
    return b;
}

template <typename Get>
SettingBinding files(Get get) {
    SettingBinding b{SettingArity::many, ";",
                     [get](Settings& s, const Values& v, const fs::path* base) {
                         std::vector<fs::path> out;
                         for (const auto& item : v) out.push_back(resolved(base, item));
                         get(s) = out;
                     },
                     take_from(get)};
    b.files_read = [get](const Settings& s, std::vector<fs::path>& out) {
        if (get(s)) out.insert(out.end(), get(s)->begin(), get(s)->end());
    };
    b.inputs = [get](const Settings& s) { return get(s).value_or(std::vector<fs::path>{}); };
    return b;
}

template <typename Get>
SettingBinding urls(Get get) {
    return {SettingArity::many, "; \t\r\n",
            [get](Settings& s, const Values& v, const fs::path*) {
                for (const auto& url : v)
                    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
                        throw BadSettingValue{" " + escaped(url) +
                                              ": must be an http:// or https:// URL"};
                get(s) = v;
            },
            take_from(get)};
}

// The whole text as a number of type T (from_chars: no locale, no leading space, no "0x").
template <typename T>
std::optional<T> number(const std::string& text) {
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// Seconds up to a day: above 0, or also 0 where `zero` allows it (a retry wait).
template <typename Get>
SettingBinding seconds(Get get, bool zero = false) {
    return {SettingArity::one, ";",
            [get, zero](Settings& s, const Values& v, const fs::path*) {
                auto d = number<double>(v.front());
                if (!d || !(*d > 0 || (zero && *d == 0)) || *d > 86400)
                    throw BadSettingValue{": give a number of seconds between 0 and 86400"};
                get(s) = d;
            },
            take_from(get)};
}

// A whole number, `min` or more.
template <typename Get>
SettingBinding whole(Get get, int min) {
    return {
        SettingArity::one, ";",
        [get, min](Settings& s, const Values& v, const fs::path*) {
            auto n = number<int>(v.front());
            if (!n || *n < min)
                throw BadSettingValue{": give a whole number, " + std::to_string(min) + " or more"};
            get(s) = n;
        },
        take_from(get)};
}

// A flag without value on the command line, true/false elsewhere.
template <typename Get>
SettingBinding on_off(Get get) {
    return {SettingArity::on_off, ";",
            [get](Settings& s, const Values& v, const fs::path*) {
                const std::string t = ascii_lower(v.front());
                if (t == "true" || t == "yes" || t == "on" || t == "1")
                    get(s) = true;
                else if (t == "false" || t == "no" || t == "off" || t == "0")
                    get(s) = false;
                else
                    throw BadSettingValue{" must be true or false"};
            },
            take_from(get)};
}

SettingBinding provider() {
    auto get = CIPOLICY_AT(provider);
    return {SettingArity::one, ";",
            [get](Settings& s, const Values& v, const fs::path*) {
                get(s) = provider_from_name(v.front());
                if (!get(s))
                    throw BadSettingValue{
                        " must be local, trusted-signing, pkcs11, key-vault or cert-store"};
            },
            take_from(get)};
}

SettingBinding digest() {
    auto get = CIPOLICY_AT(digest);
    return {SettingArity::one, ";",
            [get](Settings& s, const Values& v, const fs::path*) {
                auto d = crypto::digest_from_name(v.front());
                // SHA-1 signatures are refused by current Windows: never a choice.
                if (!d || *d == crypto::DigestAlgorithm::sha1)
                    throw BadSettingValue{" must be sha256, sha384 or sha512"};
                get(s) = d;
            },
            take_from(get)};
}

// A PKCS#11 module: a path resolves like any file, a bare name ("opensc-pkcs11.so") stays one, for
// the loader to look up.
SettingBinding module_file() {
    auto get = CIPOLICY_AT(pkcs11.module);
    SettingBinding b{SettingArity::one, ";",
                     [get](Settings& s, const Values& v, const fs::path* base) {
                         fs::path p(v.front());
                         get(s) = p.has_parent_path() ? resolved(base, v.front()) : p;
                     },
                     take_from(get)};
    b.files_read = read_one(get);
    return b;
}

// The Trusted Signing REST API versions the client speaks (trusted_signing/service_client.cpp
// shapes its requests by them).
void check_api_version(const std::string& v) {
    static const std::vector<std::string> known{"2022-06-15-preview", "2023-06-15-preview",
                                                "2024-06-15"};
    if (std::find(known.begin(), known.end(), v) != known.end()) return;
    std::string list;
    for (std::size_t i = 0; i < known.size(); ++i)
        list += (i == 0 ? "" : i + 1 == known.size() ? " or " : ", ") + known[i];
    throw BadSettingValue{": '" + escaped(v) + "' is not supported; use " + list};
}

using G = SettingGroup;

}  // namespace

// The one place a setting is declared (docs/configuration.md, "Adding a setting"). Order is
// --help order within each group, and the order of the table in docs/configuration.md.
// clang-format off
const std::vector<SettingDef>& setting_table() {
    static const std::vector<SettingDef> table{
        {"provider", "CIPOLICY_PROVIDER", "", "", G::key,
         "local, trusted-signing (artifact-signing too), pkcs11, key-vault or cert-store",
         "a local key on the command line (`--cert`/`--pfx`) implies `local`, `--metadata`/"
         "`--endpoint` imply `trusted-signing`; without any, a metadata file or endpoint and no "
         "local key choose Trusted Signing",
         provider()},
        {"digest", "CIPOLICY_DIGEST", "digest", "NAME", G::key,
         "sha256 (default), sha384 or sha512", "", digest()},
        {"local.cert", "CIPOLICY_CERT", "cert", "FILE", G::key,
         "signer certificate (PEM or DER); with --pkcs11-uri, instead of the token's", "",
         file(CIPOLICY_AT(local.cert))},
        {"local.key", "CIPOLICY_KEY", "key", "FILE", G::key,
         "private key of --cert (PEM or DER)", "", file(CIPOLICY_AT(local.key))},
        {"local.chain", "CIPOLICY_CHAIN", "chain", "FILE", G::key,
         "PEM bundle of intermediates, with --cert/--key, --pfx, --pkcs11-uri or --key-vault (a "
         "root in it is written only when the policy names it)", "", file(CIPOLICY_AT(local.chain))},
        {"local.root", "CIPOLICY_ROOT", "root", "FILE", G::key,
         "the root the chain leads to, when --chain or the PFX stops below it (repeatable; "
         "written into the signed file only when the policy names it)",
         "makes the UpdatePolicySigners check complete. A file or a list of files",
         files(CIPOLICY_AT(local.roots))},
        {"local.pfx", "CIPOLICY_PFX", "pfx", "FILE", G::key,
         "PKCS#12 file with key and certificates, instead of --cert/--key", "",
         file(CIPOLICY_AT(local.pfx))},
        {"local.pfx-password-env", "CIPOLICY_PFX_PASSWORD_ENV", "pfx-password-env", "VAR", G::key,
         "name of the environment variable holding the PFX password", "",
         text(CIPOLICY_AT(local.pfx_password_env))},
        {"local.pfx-password-file", "", "pfx-password-file", "FILE", G::key,
         "file holding the PFX password", "", file(CIPOLICY_AT(local.pfx_password_file))},
        {"local.key-password-env", "CIPOLICY_KEY_PASSWORD_ENV", "key-password-env", "VAR", G::key,
         "name of the environment variable holding the --key password", "",
         text(CIPOLICY_AT(local.key_password_env))},
        {"local.key-password-file", "", "key-password-file", "FILE", G::key,
         "file holding the --key password", "", file(CIPOLICY_AT(local.key_password_file))},

        {"pkcs11.module", "CIPOLICY_PKCS11_MODULE", "pkcs11-module", "LIB", G::key_store,
         "the token's PKCS#11 library (libsofthsm2.so, opensc-pkcs11.so or .dll, an HSM's)",
         "a bare name is looked up by the loader; see [key-stores.md](key-stores.md)",
         module_file()},
        {"pkcs11.uri", "CIPOLICY_PKCS11_URI", "pkcs11-uri", "URI", G::key_store,
         "RFC 7512 URI of the key, e.g. 'pkcs11:token=NAME;object=LABEL' (no PIN in it); the "
         "certificate from the token or --cert, the chain from --chain or the token",
         "naming it chooses the `pkcs11` provider", text(CIPOLICY_AT(pkcs11.uri))},
        {"pkcs11.pin-env", "CIPOLICY_PIN_ENV", "pin-env", "VAR", G::key_store,
         "name of the environment variable holding the token's user PIN", "",
         text(CIPOLICY_AT(pkcs11.pin_env))},
        {"pkcs11.pin-file", "", "pin-file", "FILE", G::key_store,
         "file holding the token's user PIN", "", file(CIPOLICY_AT(pkcs11.pin_file))},
        {"key-vault.url", "CIPOLICY_KEY_VAULT", "key-vault", "URL", G::key_store,
         "Azure Key Vault URL, https://NAME.vault.azure.net",
         "naming it chooses the `key-vault` provider", text(CIPOLICY_AT(key_vault.url))},
        {"key-vault.certificate", "CIPOLICY_KEY_VAULT_CERTIFICATE", "key-vault-certificate",
         "NAME", G::key_store,
         "name of the certificate in the vault (its key signs; intermediates from --chain)", "",
         text(CIPOLICY_AT(key_vault.certificate))},
        {"key-vault.certificate-version", "CIPOLICY_KEY_VAULT_CERTIFICATE_VERSION",
         "key-vault-certificate-version", "VERSION", G::key_store,
         "the certificate version (default: the current one)", "",
         text(CIPOLICY_AT(key_vault.version))},
        {"key-vault.credential", "", "", "", G::key_store,
         "credential for the vault, as azure.credential (default: that one, else default)", "",
         text(CIPOLICY_AT(key_vault.credential))},
        {"cert-store.store", "CIPOLICY_CERT_STORE", "cert-store", "STORE", G::key_store,
         "Windows certificate store, [CurrentUser\\|LocalMachine\\]NAME (default "
         "CurrentUser\\My); with --thumbprint or --subject (cipolicy.exe only)",
         "naming it, a thumbprint or a subject chooses the `cert-store` provider; the key stays "
         "in its CNG or CryptoAPI provider (smart cards, TPM, HSMs)",
         text(CIPOLICY_AT(cert_store.store))},
        {"cert-store.thumbprint", "CIPOLICY_THUMBPRINT", "thumbprint", "SHA1", G::key_store,
         "SHA-1 thumbprint of the signing certificate in the store (signtool /sha1)", "",
         text(CIPOLICY_AT(cert_store.thumbprint))},
        {"cert-store.subject", "CIPOLICY_SUBJECT", "subject", "TEXT", G::key_store,
         "text in the subject of the one signing certificate in the store (signtool /n)", "",
         text(CIPOLICY_AT(cert_store.subject))},

        {"trusted-signing.metadata", "CIPOLICY_METADATA", "metadata", "FILE", G::trusted_signing,
         "metadata.json with Endpoint, CodeSigningAccountName, CertificateProfileName",
         "see [trusted-signing.md](trusted-signing.md); explicit endpoint/account/profile "
         "override its values",
         file(CIPOLICY_AT(trusted_signing.metadata))},
        {"trusted-signing.endpoint", "CIPOLICY_ENDPOINT", "endpoint", "URL", G::trusted_signing,
         "the account's regional endpoint, e.g. https://eus.codesigning.azure.net",
         "https only; trailing slashes removed", text(CIPOLICY_AT(trusted_signing.endpoint))},
        {"trusted-signing.account", "CIPOLICY_ACCOUNT", "account", "NAME", G::trusted_signing,
         "code signing account name", "", text(CIPOLICY_AT(trusted_signing.account))},
        {"trusted-signing.profile", "CIPOLICY_PROFILE", "profile", "NAME", G::trusted_signing,
         "certificate profile name", "", text(CIPOLICY_AT(trusted_signing.profile))},
        {"azure.credential", "CIPOLICY_CREDENTIAL", "credential", "TYPE", G::trusted_signing,
         "default, access-token, environment, client-secret, client-certificate, "
         "workload-identity, managed-identity or azure-cli (Trusted Signing and Key Vault)",
         "`default` is the chain. Tokens and secrets come only from variables or files "
         "([trusted-signing.md](trusted-signing.md))",
         text(CIPOLICY_AT(azure.credential)), "trusted-signing.credential"},
        {"azure.access-token-file", "CIPOLICY_ACCESS_TOKEN_FILE", "access-token-file", "FILE",
         G::trusted_signing, "file holding an access token (or set CIPOLICY_ACCESS_TOKEN)", "",
         file(CIPOLICY_AT(azure.access_token_file), Shapes::nothing),
         "trusted-signing.access-token-file"},
        {"trusted-signing.api-version", "CIPOLICY_API_VERSION", "api-version", "VERSION",
         G::trusted_signing, "2022-06-15-preview (default), 2023-06-15-preview or 2024-06-15", "",
         text(CIPOLICY_AT(trusted_signing.api_version), check_api_version)},
        {"http.ca-file", "CIPOLICY_CA_FILE", "ca-file", "FILE", G::trusted_signing,
         "CA bundle to verify the service's TLS certificate (default: CURL_CA_BUNDLE, "
         "SSL_CERT_FILE, the system store)", "", file(CIPOLICY_AT(http.ca_file), Shapes::nothing)},
        {"build.cache-dir", "CIPOLICY_BUILD_CACHE", "build-cache", "DIR", G::trusted_signing,
         "folder in the build tree where the parallel runs of one build share one access token "
         "and root certificate (Trusted Signing, Key Vault)",
         "owner-only; entries expire with the token; the CMake functions and MSBuild targets "
         "pass one ([build-integration.md](build-integration.md))",
         folder(CIPOLICY_AT(http.cache_dir))},
        {"azure.timeout", "CIPOLICY_TIMEOUT", "timeout", "SECONDS", G::trusted_signing,
         "seconds allowed per signed file and per token request, retries and polling included "
         "(default 300)",
         "Trusted Signing, Key Vault and Entra ID token requests", seconds(CIPOLICY_AT(azure.timeout)),
         "trusted-signing.timeout"},
        {"azure.request-timeout", "CIPOLICY_REQUEST_TIMEOUT", "request-timeout", "SECONDS",
         G::trusted_signing, "seconds allowed per HTTP request (default 60)", "",
         seconds(CIPOLICY_AT(azure.request_timeout)), "trusted-signing.request-timeout"},
        {"trusted-signing.correlation-id", "CIPOLICY_CORRELATION_ID", "correlation-id", "ID",
         G::trusted_signing,
         "x-correlation-id for every request of the run (default: metadata CorrelationId, else "
         "a new UUID)", "", text(CIPOLICY_AT(trusted_signing.correlation_id))},

        {"timestamp.urls", "CIPOLICY_TIMESTAMP_URLS", "timestamp-url", "URL", G::timestamp,
         "timestamp server; repeat for fallbacks, tried in order",
         "for `sign` and `timestamp`; the variable also takes whitespace between URLs",
         urls(CIPOLICY_AT(timestamp.urls))},
        {"timestamp.root", "CIPOLICY_TIMESTAMP_ROOT", "timestamp-root", "FILE", G::timestamp,
         "require the timestamp's signer to chain to this root (repeatable)", "",
         files(CIPOLICY_AT(timestamp.roots))},
        {"timestamp.retries", "CIPOLICY_TIMESTAMP_RETRIES", "timestamp-retries", "N",
         G::timestamp, "extra attempts per server (default 2)", "",
         whole(CIPOLICY_AT(timestamp.retries), 0)},
        {"timestamp.retry-wait", "CIPOLICY_TIMESTAMP_RETRY_WAIT", "timestamp-retry-wait",
         "SECONDS", G::timestamp, "seconds before the first retry, doubled each time (default 1)",
         "", seconds(CIPOLICY_AT(timestamp.retry_wait), true)},
        {"timestamp.timeout", "CIPOLICY_TIMESTAMP_TIMEOUT", "timestamp-timeout", "SECONDS",
         G::timestamp, "seconds per request (default 30)", "",
         seconds(CIPOLICY_AT(timestamp.timeout))},
        {"timestamp.jobs", "CIPOLICY_TIMESTAMP_JOBS", "timestamp-jobs", "N", G::timestamp,
         "timestamp requests in flight at once (default 4; TSAs throttle on their own)", "",
         whole(CIPOLICY_AT(timestamp.jobs), 1)},
        {"timestamp.optional", "CIPOLICY_TIMESTAMP_OPTIONAL", "timestamp-optional", "",
         G::timestamp, "if every server fails, write the file without a timestamp (warning)", "",
         on_off(CIPOLICY_AT(timestamp.optional))},
        {"timestamp.disabled", "CIPOLICY_NO_TIMESTAMP", "no-timestamp", "", G::timestamp,
         "do not timestamp, even where it is the default", "",
         on_off(CIPOLICY_AT(timestamp.disabled))},

        {"output.dir", "CIPOLICY_OUTPUT_DIR", "output-dir", "DIR", G::output,
         "output folder; files are named {PolicyID}.cip or SiPolicy.p7b",
         "`sign` uses it when neither `-o` nor `--output-dir` is given",
         folder(CIPOLICY_AT(output_dir))},
    };
    return table;
}
// clang-format on

#undef CIPOLICY_AT

std::vector<fs::path> files_read_by(const Settings& s) {
    std::vector<fs::path> files;
    for (const auto& def : setting_table())
        if (def.binding.files_read) def.binding.files_read(s, files);
    return files;
}

const SettingDef* find_setting(std::string_view key) {
    for (const auto& def : setting_table())
        if (def.key == key || (!def.alias.empty() && def.alias == key)) return &def;
    return nullptr;
}

std::vector<fs::path> files_named_by(const Settings& s) {
    std::vector<fs::path> out;
    for (const auto& def : setting_table())
        if (def.binding.inputs)
            for (auto& f : def.binding.inputs(s)) out.push_back(std::move(f));
    return out;
}

std::string settings_doc_table() {
    std::string out =
        "| key | variable | command line | meaning |\n"
        "|---|---|---|---|\n";
    for (const auto& def : setting_table()) {
        const bool many = def.binding.arity == SettingArity::many;
        std::string variable = def.variable.empty() ? "—" : "`" + std::string(def.variable) + "`";
        if (many && !def.variable.empty()) variable += " (`;`-separated)";
        std::string flag = def.flag.empty() ? "—" : "`--" + std::string(def.flag) + "`";
        if (many && !def.flag.empty()) flag += " (repeatable)";
        std::string meaning(def.doc);
        if (!def.details.empty()) meaning += "; " + std::string(def.details);
        if (!def.alias.empty()) meaning += " (old key: `" + std::string(def.alias) + "`)";
        out += "| `" + std::string(def.key) + "` | " + variable + " | " + flag + " | " + meaning +
               " |\n";
    }
    return out;
}

}  // namespace cipolicy::config
