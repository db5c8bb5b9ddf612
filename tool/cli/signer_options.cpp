#include "cli/signer_options.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "cli/key_store_options.hpp"
#include "cli/service_options.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "crypto/key_material.hpp"
#include "signing/local_key_signer.hpp"
#include "trusted_signing/trusted_signing_signer.hpp"

namespace cipolicy::cli {
namespace fs = std::filesystem;

po::options_description signing_options() {
    po::options_description opts("Signing key and configuration");
    opts.add_options()("config", po::value<std::string>(),
                       "project configuration (cipolicy.yaml); default $CIPOLICY_CONFIG")(
        "digest", po::value<std::string>(), "sha256 (default), sha384 or sha512")(
        "cert", po::value<std::string>(),
        "signer certificate (PEM or DER); with --pkcs11-uri, instead of the token's")(
        "key", po::value<std::string>(), "private key of --cert (PEM or DER)")(
        "chain", po::value<std::string>(),
        "PEM bundle of intermediates, with --cert/--key, --pfx, --pkcs11-uri or --key-vault (a "
        "root in it is used for checks, not written)")(
        "root", po::value<std::vector<std::string>>()->composing(),
        "the root the chain leads to, when --chain or the PFX stops below it (repeatable; "
        "checks only, never written)")(
        "pfx", po::value<std::string>(),
        "PKCS#12 file with key and certificates, instead of --cert/--key")(
        "pfx-password-env", po::value<std::string>(),
        "name of the environment variable holding the PFX password")(
        "pfx-password-file", po::value<std::string>(), "file holding the PFX password")(
        "key-password-env", po::value<std::string>(),
        "environment variable with the --key password")(
        "key-password-file", po::value<std::string>(), "file holding the --key password");
    opts.add(service_options());
    opts.add(key_store_options());
    return opts;
}

static Settings settings_from_command_line(const po::variables_map& vm) {
    Settings s;
    auto str = [&](const char* name) -> std::optional<std::string> {
        if (!vm.count(name)) return std::nullopt;
        return vm[name].as<std::string>();
    };
    auto path = [&](const char* name) -> std::optional<fs::path> {
        auto v = str(name);
        return v ? std::optional<fs::path>(*v) : std::nullopt;
    };
    if (auto d = str("digest")) {
        s.digest = digest_from_name(*d);
        if (!s.digest || *s.digest == DigestAlgorithm::sha1)
            throw Error(ExitCode::usage, "--digest must be sha256, sha384 or sha512");
    }
    s.local.cert = path("cert");
    s.local.key = path("key");
    s.local.chain = path("chain");
    s.local.pfx = path("pfx");
    if (vm.count("root")) {
        std::vector<fs::path> roots;
        for (const auto& r : vm["root"].as<std::vector<std::string>>()) roots.push_back(r);
        s.local.roots = roots;
    }
    s.local.pfx_password_env = str("pfx-password-env");
    s.local.pfx_password_file = path("pfx-password-file");
    s.local.key_password_env = str("key-password-env");
    s.local.key_password_file = path("key-password-file");
    service_settings_from_command_line(vm, s);
    const bool trusted_signing = s.provider == Provider::trusted_signing;
    key_store_settings_from_command_line(vm, s);
    // With a token, --cert names the token key's certificate: only a key or PFX is local.
    const bool key_store = wanted_key_store(s).has_value();
    bool local = s.local.key || s.local.pfx || (s.local.cert && !key_store);
    if (int(local) + int(trusted_signing) + int(key_store) > 1)
        throw Error(ExitCode::usage,
                    "give a local key (--cert/--key, --pfx), Trusted Signing (--endpoint, "
                    "--metadata), a PKCS#11 token (--pkcs11-uri) or Azure Key Vault "
                    "(--key-vault): one of them, not both");
    if (local) s.provider = Provider::local;
    return s;
}

std::optional<fs::path> config_file(const po::variables_map& vm) {
    if (vm.count("config")) return fs::path(vm["config"].as<std::string>());
    if (const char* env = std::getenv("CIPOLICY_CONFIG"); env && *env) return fs::path(env);
    return std::nullopt;
}

Settings resolve_settings(const po::variables_map& vm) {
    Settings s;
    if (const auto config = config_file(vm)) s = load_settings_file(*config);
    s = overlay(s, settings_from_environment());
    Settings cli = settings_from_command_line(vm);
    // A key given on the command line replaces the configured key as a whole: mixing a --pfx
    // from the command line with a --cert from the file would sign with neither as meant.
    // Roots are kept: they name the CA the policy trusts, not a key.
    if (cli.local.cert || cli.local.key || cli.local.pfx) {
        LocalKeySettings kept;
        kept.roots = s.local.roots;
        s.local = kept;
    }
    // A key store named on the command line does not sign with a configured local key's
    // certificate either (--cert beside --pkcs11-uri is the token key's).
    if (wanted_key_store(cli) && !cli.local.cert) {
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

// An environment variable name as shells and Windows accept it: letters, digits and _, not
// starting with a digit.
static bool is_variable_name(const std::string& name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
    return std::all_of(name.begin(), name.end(),
                       [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

// Passwords never come from the command line itself: only a variable name or a file is given.
// `option` is the option family ("--pfx-password"), for messages.
PasswordSource password_from(const std::optional<std::string>& env_name,
                             const std::optional<fs::path>& file, const std::string& option) {
    PasswordSource source{Secret(), option + "-env VAR or " + option + "-file FILE"};
    if (env_name && file)
        throw Error(ExitCode::usage,
                    option + "-env and " + option + "-file: give one of the two, not both");
    if (env_name) {
        // A value that cannot be a variable name is most likely the password itself: say so
        // without repeating it.
        if (!is_variable_name(*env_name))
            throw Error(ExitCode::usage,
                        option +
                            "-env takes the name of an environment variable (letters, "
                            "digits and _), not the password; the value given is not a "
                            "variable name (not repeated here)");
        const char* value = std::getenv(env_name->c_str());
        if (!value)
            throw Error(ExitCode::usage,
                        option + "-env: environment variable " + *env_name + " is not set");
        source.password = Secret(value);
    } else if (file) {
        source.password = Secret(read_text_file(*file));
    }
    return source;
}

static void add_chain(KeyMaterial& m, const LocalKeySettings& local) {
    if (local.chain)
        for (auto& c : load_certificates(*local.chain)) m.others.push_back(std::move(c));
}

std::vector<Certificate> load_roots(const Settings& settings) {
    std::vector<Certificate> roots;
    if (settings.local.roots)
        for (const auto& file : *settings.local.roots)
            for (auto& c : load_certificates(file)) roots.push_back(std::move(c));
    return roots;
}

std::unique_ptr<Signer> open_signer(const Settings& settings) {
    return open_signer(settings, po::variables_map(), {});
}

std::unique_ptr<Signer> open_signer(const Settings& settings, const po::variables_map& vm,
                                    const std::function<void(const std::string&)>& warn) {
    if (auto signer = open_key_store_signer(settings, vm, warn)) return signer;
    if (wants_trusted_signing(settings)) {
        trusted_signing::SessionOptions options = session_options(settings, vm);
        if (auto w = trusted_signing::endpoint_warning(options.service.endpoint);
            !w.empty() && warn)
            warn(w);
        return std::make_unique<trusted_signing::TrustedSigningSigner>(std::move(options));
    }
    const LocalKeySettings& local = settings.local;
    bool pem = local.cert || local.key;
    if (local.pfx && pem)
        throw Error(ExitCode::usage, "give either --pfx or --cert/--key, not both");
    if (local.pfx) {
        KeyMaterial m = load_pfx(
            *local.pfx,
            password_from(local.pfx_password_env, local.pfx_password_file, "--pfx-password"));
        add_chain(m, local);
        return std::make_unique<LocalKeySigner>(std::move(m));
    }
    if (!local.cert || !local.key)
        throw Error(ExitCode::usage,
                    "choose a signing key: --cert FILE --key FILE [--chain FILE], or --pfx FILE "
                    "(or the local: section of cipolicy.yaml)");
    std::vector<Certificate> certs = load_certificates(*local.cert);
    KeyMaterial m{
        load_private_key(*local.key, password_from(local.key_password_env, local.key_password_file,
                                                   "--key-password")),
        certs.front(),
        {certs.begin() + 1, certs.end()}};
    add_chain(m, local);
    return std::make_unique<LocalKeySigner>(std::move(m));
}

}  // namespace cipolicy::cli
