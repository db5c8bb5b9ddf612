#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "crypto/key_material.hpp"
#include "providers/openers.hpp"
#include "signing/local_key_signer.hpp"

namespace cipolicy::providers {
namespace fs = std::filesystem;

namespace {

// An environment variable name as shells and Windows accept it: letters, digits and _, not
// starting with a digit.
bool is_variable_name(const std::string& name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
    return std::all_of(name.begin(), name.end(),
                       [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

void add_chain(crypto::KeyMaterial& m, const config::LocalKeySettings& local) {
    if (local.chain)
        for (auto& c : crypto::load_certificates(*local.chain)) m.others.push_back(std::move(c));
}

}  // namespace

// Passwords never come from the command line itself: only a variable name or a file is given.
// `option` is the option family ("--pfx-password"), for messages.
crypto::PasswordSource password_from(const std::optional<std::string>& env_name,
                                     const std::optional<fs::path>& file,
                                     const std::string& option) {
    crypto::PasswordSource source{crypto::Secret(),
                                  option + "-env VAR or " + option + "-file FILE"};
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
        source.password = crypto::Secret(value);
    } else if (file) {
        source.password = crypto::Secret(read_text_file(*file));
    }
    return source;
}

std::vector<crypto::Certificate> load_roots(const config::Settings& settings) {
    std::vector<crypto::Certificate> roots;
    if (settings.local.roots)
        for (const auto& file : *settings.local.roots)
            for (auto& c : crypto::load_certificates(file)) roots.push_back(std::move(c));
    return roots;
}

std::unique_ptr<signing::Signer> open_local_key(const config::Settings& settings, const Notices&) {
    const config::LocalKeySettings& local = settings.local;
    bool pem = local.cert || local.key;
    if (local.pfx && pem)
        throw Error(ExitCode::usage, "give either --pfx or --cert/--key, not both");
    if (local.pfx) {
        crypto::KeyMaterial m = crypto::load_pfx(
            *local.pfx,
            password_from(local.pfx_password_env, local.pfx_password_file, "--pfx-password"));
        add_chain(m, local);
        return std::make_unique<signing::LocalKeySigner>(std::move(m));
    }
    if (!local.cert || !local.key)
        throw Error(ExitCode::usage,
                    "choose a signing key: --cert FILE --key FILE [--chain FILE], or --pfx FILE "
                    "(or the local: section of cipolicy.yaml)");
    std::vector<crypto::Certificate> certs = crypto::load_certificates(*local.cert);
    crypto::KeyMaterial m{crypto::load_private_key(
                              *local.key, password_from(local.key_password_env,
                                                        local.key_password_file, "--key-password")),
                          certs.front(),
                          {certs.begin() + 1, certs.end()}};
    add_chain(m, local);
    return std::make_unique<signing::LocalKeySigner>(std::move(m));
}

}  // namespace cipolicy::providers
