#include "config/settings.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <map>
#include <set>

#include "config/setting_table.hpp"
#include "core/bounded_read.hpp"
#include "core/error.hpp"
#include "core/quote.hpp"
#include "core/setting_name.hpp"

namespace cipolicy::config {
namespace fs = std::filesystem;

namespace {

// The YAML sections: every key's prefixes ("trusted-signing" of "trusted-signing.endpoint").
const std::set<std::string>& sections() {
    static const std::set<std::string> names = [] {
        std::set<std::string> out;
        for (const auto& def : setting_table())
            for (std::string_view key : {def.key, def.alias})
                for (auto dot = key.find('.'); dot != std::string_view::npos;
                     dot = key.find('.', dot + 1))
                    out.emplace(key.substr(0, dot));
        return out;
    }();
    return names;
}

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
            if (value.IsMap() && sections().count(key)) {
                walk(value, key + ".");
                continue;
            }
            const SettingDef* def = find_setting(key);
            if (!def)
                throw Error(ExitCode::input, where(kv.first.Mark()) + "unknown key " + quote(key) +
                                                 " (see docs/configuration.md)");
            // An old key and its new name both given: which one wins would be a guess.
            if (auto [it, fresh] = given_.emplace(def->key, key); !fresh && it->second != key)
                throw Error(ExitCode::input, where(kv.first.Mark()) + quote(key) + " and " +
                                                 quote(it->second) + " name the same setting (" +
                                                 std::string(def->key) + "): give one");
            std::vector<std::string> values;
            if (def->binding.arity == SettingArity::many && value.IsSequence()) {
                for (const auto& item : value) values.push_back(scalar(item, key));
            } else if (def->binding.arity == SettingArity::many && !value.IsScalar()) {
                throw Error(ExitCode::input,
                            where(value.Mark()) + "'" + key + "' must be a value or a list");
            } else {
                values.push_back(scalar(value, key));
            }
            try {
                def->binding.store(s_, values, &dir_);
            } catch (const BadSettingValue& bad) {
                throw Error(ExitCode::input, where(value.Mark()) + "'" + key + "'" + bad.rest);
            }
        }
    }

    std::string scalar(const YAML::Node& n, const std::string& key) const {
        if (!n.IsScalar())
            throw Error(ExitCode::input, where(n.Mark()) + "'" + key + "' must be a single value");
        return n.as<std::string>();
    }

    fs::path path_, dir_;
    Settings s_;
    std::map<std::string_view, std::string> given_;  // canonical key -> the key as written
};

std::vector<std::string> split(const std::string& text, std::string_view separators) {
    std::vector<std::string> items;
    std::string item;
    for (char c : text) {
        if (separators.find(c) == std::string_view::npos) {
            item.push_back(c);
        } else if (!item.empty()) {
            items.push_back(item);
            item.clear();
        }
    }
    if (!item.empty()) items.push_back(item);
    return items;
}

bool names_local_key(const Settings& s) {
    return s.local.cert || s.local.key || s.local.pfx;
}

bool names_cert_store(const Settings& s) {
    return s.cert_store.store || s.cert_store.thumbprint || s.cert_store.subject;
}

}  // namespace

std::optional<Provider> provider_from_name(std::string_view name) {
    if (name == "local") return Provider::local;
    if (name == "trusted-signing" || name == "artifact-signing") return Provider::trusted_signing;
    if (name == "pkcs11") return Provider::pkcs11;
    if (name == "key-vault") return Provider::key_vault;
    if (name == "cert-store") return Provider::cert_store;
    return std::nullopt;
}

std::optional<Provider> wanted_key_store(const Settings& s) {
    if (s.provider) {
        if (*s.provider == Provider::pkcs11 || *s.provider == Provider::key_vault ||
            *s.provider == Provider::cert_store)
            return s.provider;
        return std::nullopt;
    }
    if (s.pkcs11.uri) return Provider::pkcs11;
    if (s.key_vault.url) return Provider::key_vault;
    if (names_cert_store(s)) return Provider::cert_store;
    return std::nullopt;
}

Settings overlay(const Settings& base, const Settings& top) {
    Settings s = base;
    for (const auto& def : setting_table()) def.binding.take(s, top);
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
    for (const auto& def : setting_table()) {
        if (def.variable.empty()) continue;
        const std::string name(def.variable);
        const char* value = std::getenv(name.c_str());
        if (!value || !*value) continue;  // an empty variable says nothing, as an unset one
        std::vector<std::string> values{value};
        if (def.binding.arity == SettingArity::many) values = split(value, def.binding.separators);
        try {
            def.binding.store(s, values, nullptr);
        } catch (const BadSettingValue& bad) {
            throw Error(ExitCode::usage, name + bad.rest);
        }
    }
    return s;
}

std::optional<fs::path> config_file(const std::optional<fs::path>& given) {
    if (given) return given;
    if (const char* env = std::getenv("CIPOLICY_CONFIG"); env && *env) return fs::path(env);
    return std::nullopt;
}

bool wants_trusted_signing(const Settings& s) {
    if (s.provider) return *s.provider == Provider::trusted_signing;
    return !names_local_key(s) && (s.trusted_signing.metadata || s.trusted_signing.endpoint);
}

Settings resolve_settings(Settings cli, const std::optional<fs::path>& config) {
    // On the command line, naming a key, a key store or a service chooses the provider.
    const bool trusted_signing = cli.trusted_signing.metadata || cli.trusted_signing.endpoint;
    const bool cert_store = names_cert_store(cli);
    if (int(bool(cli.pkcs11.uri)) + int(bool(cli.key_vault.url)) + int(cert_store) > 1)
        throw Error(ExitCode::usage,
                    "give a PKCS#11 key (" + setting_name("pkcs11.uri") +
                        "), a Key Vault certificate (" + setting_name("key-vault.url") +
                        ") or a certificate store key (" + setting_name("cert-store.thumbprint") +
                        ", " + setting_name("cert-store.subject") + "): one of them, not both");
    const bool key_store = cli.pkcs11.uri || cli.key_vault.url || cert_store;
    // With a key store, a certificate names the store key's certificate: only a key or a PFX is
    // local then.
    const bool local = cli.local.key || cli.local.pfx || (cli.local.cert && !key_store);
    if (int(local) + int(trusted_signing) + int(key_store) > 1)
        throw Error(ExitCode::usage,
                    "give a local key (" + setting_name("local.cert") + "/" +
                        setting_name("local.key") + ", " + setting_name("local.pfx") +
                        "), Trusted Signing (" + setting_name("trusted-signing.endpoint") + ", " +
                        setting_name("trusted-signing.metadata") + "), a PKCS#11 token (" +
                        setting_name("pkcs11.uri") + "), Azure Key Vault (" +
                        setting_name("key-vault.url") + ") or a certificate store (" +
                        setting_name("cert-store.thumbprint") + "): one of them, not both");
    if (trusted_signing) cli.provider = Provider::trusted_signing;
    if (cli.pkcs11.uri) cli.provider = Provider::pkcs11;
    if (cli.key_vault.url) cli.provider = Provider::key_vault;
    if (cert_store) cli.provider = Provider::cert_store;
    if (local) cli.provider = Provider::local;

    Settings s;
    if (config) s = load_settings_file(*config);
    s = overlay(s, settings_from_environment());
    // A key given on the command line replaces the configured key as a whole: mixing a --pfx
    // from the command line with a --cert from the file would sign with neither as meant.
    // Roots are kept: they name the CA the policy trusts, not a key.
    if (local) {
        LocalKeySettings kept;
        kept.roots = s.local.roots;
        s.local = kept;
    }
    // A key store named on the command line does not sign with a configured local key's
    // certificate either (a certificate beside it on the command line is the store key's).
    if (key_store && !cli.local.cert) {
        s.local.cert.reset();
        s.local.key.reset();
        s.local.pfx.reset();
    }
    s = overlay(s, cli);
    // An endpoint or metadata file without a local key means Trusted Signing; say so once here so
    // that later steps (the default timestamp server) need not guess.
    if (!s.provider && wants_trusted_signing(s)) s.provider = Provider::trusted_signing;
    if (!s.provider) s.provider = wanted_key_store(s);
    return s;
}

}  // namespace cipolicy::config
