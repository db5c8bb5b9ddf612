#include "config/settings.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "core/bounded_read.hpp"
#include "core/error.hpp"
#include "core/quote.hpp"
#include "platform/paths.hpp"

namespace cipolicy {
namespace fs = std::filesystem;

namespace {

template <typename T>
void take(std::optional<T>& out, const std::optional<T>& top) {
    if (top) out = top;
}

// One loader per YAML key path, so unknown keys can be named and every key documented once.
class FileReader {
  public:
    explicit FileReader(fs::path path) : path_(std::move(path)), dir_(path_.parent_path()) {}

    Settings read(const std::string& text) {
        // Every yaml-cpp exception, also a conversion deep in walk(), is a configuration error.
        try {
            YAML::Node root = YAML::Load(text);
            if (root.IsNull()) return s_;
            if (!root.IsMap())
                throw Error(ExitCode::input, where(root.Mark()) + "expected a mapping of keys");
            walk(root, "");
        } catch (const YAML::Exception& e) {
            throw Error(ExitCode::input, where(e.mark) + "not valid YAML: " + escaped(e.msg));
        }
        return s_;
    }

  private:
    std::string where(const YAML::Mark& mark) const {
        if (mark.line < 0) return path_.string() + ": ";
        return path_.string() + "(" + std::to_string(mark.line + 1) + "," +
               std::to_string(mark.column + 1) + "): ";
    }

    void walk(const YAML::Node& map, const std::string& prefix) {
        std::set<std::string> seen;
        for (const auto& kv : map) {
            // "? [a, b]\n: c" and "{a: 1}: x" are valid YAML, but no key of ours.
            if (!kv.first.IsScalar())
                throw Error(ExitCode::input, where(kv.first.Mark()) +
                                                 "a key must be a plain name (see "
                                                 "docs/configuration.md)");
            std::string key = prefix + kv.first.Scalar();
            // yaml-cpp keeps both entries of a duplicate key; which one wins would be a guess.
            if (!seen.insert(key).second)
                throw Error(ExitCode::input,
                            where(kv.first.Mark()) + "the key " + quote(key) + " is given twice");
            const YAML::Node& value = kv.second;
            if (value.IsMap() && kSections.count(key)) {
                walk(value, key + ".");
                continue;
            }
            auto handler = handlers().find(key);
            if (handler == handlers().end())
                throw Error(ExitCode::input, where(kv.first.Mark()) + "unknown key " + quote(key) +
                                                 " (see docs/configuration.md)");
            handler->second(*this, value, key);
        }
    }

    std::string scalar(const YAML::Node& n, const std::string& key) const {
        if (!n.IsScalar())
            throw Error(ExitCode::input, where(n.Mark()) + "'" + key + "' must be a single value");
        return n.as<std::string>();
    }

    fs::path file(const YAML::Node& n, const std::string& key) const {
        return platform::resolve_against(dir_, fs::path(scalar(n, key)));
    }

    using Handler = std::function<void(FileReader&, const YAML::Node&, const std::string&)>;
    static const std::map<std::string, Handler>& handlers();
    static inline const std::set<std::string> kSections{"local",     "trusted-signing", "pkcs11",
                                                        "key-vault", "timestamp",       "output"};

    fs::path path_, dir_;
    Settings s_;
};

const std::map<std::string, FileReader::Handler>& FileReader::handlers() {
    using R = FileReader;
    using N = const YAML::Node&;
    using K = const std::string&;
    static const std::map<std::string, Handler> table{
        {"provider",
         [](R& r, N n, K k) {
             r.s_.provider = provider_from_name(r.scalar(n, k));
             if (!r.s_.provider)
                 throw Error(ExitCode::input,
                             r.where(n.Mark()) +
                                 "'provider' must be local, trusted-signing, pkcs11 or key-vault");
         }},
        {"digest",
         [](R& r, N n, K k) {
             auto d = digest_from_name(r.scalar(n, k));
             if (!d || *d == DigestAlgorithm::sha1)
                 throw Error(ExitCode::input,
                             r.where(n.Mark()) + "'digest' must be sha256, sha384 or sha512");
             r.s_.digest = d;
         }},
        {"local.cert", [](R& r, N n, K k) { r.s_.local.cert = r.file(n, k); }},
        {"local.key", [](R& r, N n, K k) { r.s_.local.key = r.file(n, k); }},
        {"local.chain", [](R& r, N n, K k) { r.s_.local.chain = r.file(n, k); }},
        {"local.pfx", [](R& r, N n, K k) { r.s_.local.pfx = r.file(n, k); }},
        {"local.root",
         [](R& r, N n, K k) {
             std::vector<fs::path> roots;
             if (n.IsSequence())
                 for (const auto& item : n) roots.push_back(r.file(item, k));
             else
                 roots.push_back(r.file(n, k));
             r.s_.local.roots = roots;
         }},
        {"local.pfx-password-env",
         [](R& r, N n, K k) { r.s_.local.pfx_password_env = r.scalar(n, k); }},
        {"local.pfx-password-file",
         [](R& r, N n, K k) { r.s_.local.pfx_password_file = r.file(n, k); }},
        {"local.key-password-env",
         [](R& r, N n, K k) { r.s_.local.key_password_env = r.scalar(n, k); }},
        {"local.key-password-file",
         [](R& r, N n, K k) { r.s_.local.key_password_file = r.file(n, k); }},
        {"trusted-signing.metadata",
         [](R& r, N n, K k) { r.s_.trusted_signing.metadata = r.file(n, k); }},
        {"trusted-signing.endpoint",
         [](R& r, N n, K k) { r.s_.trusted_signing.endpoint = r.scalar(n, k); }},
        {"trusted-signing.account",
         [](R& r, N n, K k) { r.s_.trusted_signing.account = r.scalar(n, k); }},
        {"trusted-signing.profile",
         [](R& r, N n, K k) { r.s_.trusted_signing.profile = r.scalar(n, k); }},
        {"trusted-signing.credential",
         [](R& r, N n, K k) { r.s_.trusted_signing.credential = r.scalar(n, k); }},
        {"timestamp.urls",
         [](R& r, N n, K k) {
             std::vector<std::string> urls;
             if (n.IsScalar()) {
                 urls.push_back(n.as<std::string>());
             } else if (n.IsSequence()) {
                 for (const auto& item : n) urls.push_back(r.scalar(item, k));
             } else {
                 throw Error(ExitCode::input,
                             r.where(n.Mark()) + "'" + k + "' must be a list of URLs");
             }
             r.s_.timestamp_urls = urls;
         }},
        {"output.dir", [](R& r, N n, K k) { r.s_.output_dir = r.file(n, k); }},
        // A module given as a bare name ("opensc-pkcs11.so") stays one: p11-kit looks it up.
        {"pkcs11.module",
         [](R& r, N n, K k) {
             fs::path p(r.scalar(n, k));
             r.s_.pkcs11.module = p.has_parent_path() ? r.file(n, k) : p;
         }},
        {"pkcs11.uri", [](R& r, N n, K k) { r.s_.pkcs11.uri = r.scalar(n, k); }},
        {"pkcs11.pin-env", [](R& r, N n, K k) { r.s_.pkcs11.pin_env = r.scalar(n, k); }},
        {"pkcs11.pin-file", [](R& r, N n, K k) { r.s_.pkcs11.pin_file = r.file(n, k); }},
        {"key-vault.url", [](R& r, N n, K k) { r.s_.key_vault.url = r.scalar(n, k); }},
        {"key-vault.certificate",
         [](R& r, N n, K k) { r.s_.key_vault.certificate = r.scalar(n, k); }},
        {"key-vault.certificate-version",
         [](R& r, N n, K k) { r.s_.key_vault.version = r.scalar(n, k); }},
        {"key-vault.credential",
         [](R& r, N n, K k) { r.s_.key_vault.credential = r.scalar(n, k); }},
    };
    return table;
}

std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

std::optional<fs::path> env_path(const char* name) {
    auto v = env(name);
    return v ? std::optional<fs::path>(*v) : std::nullopt;
}

}  // namespace

std::optional<Provider> provider_from_name(std::string_view name) {
    if (name == "local") return Provider::local;
    if (name == "trusted-signing" || name == "artifact-signing") return Provider::trusted_signing;
    if (name == "pkcs11") return Provider::pkcs11;
    if (name == "key-vault") return Provider::key_vault;
    return std::nullopt;
}

Settings overlay(const Settings& base, const Settings& top) {
    Settings s = base;
    take(s.provider, top.provider);
    take(s.digest, top.digest);
    take(s.local.cert, top.local.cert);
    take(s.local.key, top.local.key);
    take(s.local.chain, top.local.chain);
    take(s.local.pfx, top.local.pfx);
    take(s.local.roots, top.local.roots);
    take(s.local.pfx_password_env, top.local.pfx_password_env);
    take(s.local.key_password_env, top.local.key_password_env);
    take(s.local.pfx_password_file, top.local.pfx_password_file);
    take(s.local.key_password_file, top.local.key_password_file);
    take(s.trusted_signing.metadata, top.trusted_signing.metadata);
    take(s.trusted_signing.endpoint, top.trusted_signing.endpoint);
    take(s.trusted_signing.account, top.trusted_signing.account);
    take(s.trusted_signing.profile, top.trusted_signing.profile);
    take(s.trusted_signing.credential, top.trusted_signing.credential);
    take(s.pkcs11.module, top.pkcs11.module);
    take(s.pkcs11.uri, top.pkcs11.uri);
    take(s.pkcs11.pin_env, top.pkcs11.pin_env);
    take(s.pkcs11.pin_file, top.pkcs11.pin_file);
    take(s.key_vault.url, top.key_vault.url);
    take(s.key_vault.certificate, top.key_vault.certificate);
    take(s.key_vault.version, top.key_vault.version);
    take(s.key_vault.credential, top.key_vault.credential);
    take(s.timestamp_urls, top.timestamp_urls);
    take(s.output_dir, top.output_dir);
    return s;
}

Settings load_settings_file(const fs::path& path) {
    return FileReader(path).read(read_bounded_text(path, kMaxConfigBytes, "configuration file"));
}

Settings parse_settings(const std::string& text, const fs::path& path) {
    return FileReader(path).read(text);
}

Settings settings_from_environment() {
    Settings s;
    if (auto v = env("CIPOLICY_PROVIDER")) {
        s.provider = provider_from_name(*v);
        if (!s.provider)
            throw Error(ExitCode::usage,
                        "CIPOLICY_PROVIDER must be local, trusted-signing, pkcs11 or key-vault");
    }
    if (auto v = env("CIPOLICY_DIGEST")) {
        s.digest = digest_from_name(*v);
        if (!s.digest || *s.digest == DigestAlgorithm::sha1)
            throw Error(ExitCode::usage, "CIPOLICY_DIGEST must be sha256, sha384 or sha512");
    }
    s.local.cert = env_path("CIPOLICY_CERT");
    s.local.key = env_path("CIPOLICY_KEY");
    s.local.chain = env_path("CIPOLICY_CHAIN");
    s.local.pfx = env_path("CIPOLICY_PFX");
    if (auto v = env("CIPOLICY_ROOT")) {
        std::vector<fs::path> roots;
        std::string item;
        for (char c : *v + ";") {
            if (c != ';') {
                item.push_back(c);
            } else if (!item.empty()) {
                roots.push_back(item);
                item.clear();
            }
        }
        s.local.roots = roots;
    }
    s.local.pfx_password_env = env("CIPOLICY_PFX_PASSWORD_ENV");
    s.local.key_password_env = env("CIPOLICY_KEY_PASSWORD_ENV");
    s.trusted_signing.metadata = env_path("CIPOLICY_METADATA");
    s.trusted_signing.endpoint = env("CIPOLICY_ENDPOINT");
    s.trusted_signing.account = env("CIPOLICY_ACCOUNT");
    s.trusted_signing.profile = env("CIPOLICY_PROFILE");
    s.trusted_signing.credential = env("CIPOLICY_CREDENTIAL");
    s.pkcs11.module = env_path("CIPOLICY_PKCS11_MODULE");
    s.pkcs11.uri = env("CIPOLICY_PKCS11_URI");
    s.pkcs11.pin_env = env("CIPOLICY_PIN_ENV");
    s.key_vault.url = env("CIPOLICY_KEY_VAULT");
    s.key_vault.certificate = env("CIPOLICY_KEY_VAULT_CERTIFICATE");
    s.key_vault.version = env("CIPOLICY_KEY_VAULT_CERTIFICATE_VERSION");
    if (auto v = env("CIPOLICY_TIMESTAMP_URLS")) {
        std::vector<std::string> urls;
        std::string item;
        for (char c : *v + ";") {
            if (c == ';' || c == ' ' || c == '\n' || c == '\t') {
                if (!item.empty()) urls.push_back(item);
                item.clear();
            } else {
                item.push_back(c);
            }
        }
        s.timestamp_urls = urls;
    }
    s.output_dir = env_path("CIPOLICY_OUTPUT_DIR");
    return s;
}

}  // namespace cipolicy
