#include "cli/signer_options.hpp"

#include <cstdlib>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "crypto/key_material.hpp"
#include "signing/local_key_signer.hpp"

namespace cipolicy::cli {

po::options_description local_key_options() {
    po::options_description opts("Local key");
    opts.add_options()("cert", po::value<std::string>(), "signer certificate (PEM or DER)")(
        "key", po::value<std::string>(), "private key of --cert (PEM or DER)")(
        "chain", po::value<std::string>(),
        "PEM bundle of intermediates (a root in it is used for checks, not written)")(
        "pfx", po::value<std::string>(), "PKCS#12 file with key and certificates, instead of --cert/--key")(
        "pfx-password-env", po::value<std::string>(), "name of the environment variable holding the PFX password")(
        "pfx-password-file", po::value<std::string>(), "file holding the PFX password")(
        "key-password-env", po::value<std::string>(), "environment variable with the --key password")(
        "key-password-file", po::value<std::string>(), "file holding the --key password");
    return opts;
}

// Passwords never come from the command line itself: only a variable name or a file is given.
static Secret password_from(const po::variables_map& vm, const std::string& env_opt,
                            const std::string& file_opt) {
    if (vm.count(env_opt) && vm.count(file_opt))
        throw Error(ExitCode::usage, "give --" + env_opt + " or --" + file_opt + ", not both");
    if (vm.count(env_opt)) {
        const std::string& name = vm[env_opt].as<std::string>();
        const char* value = std::getenv(name.c_str());
        if (!value)
            throw Error(ExitCode::usage, "--" + env_opt + ": environment variable " + name +
                                             " is not set");
        return Secret(value);
    }
    if (vm.count(file_opt)) return Secret(read_text_file(vm[file_opt].as<std::string>()));
    return Secret();
}

std::unique_ptr<Signer> open_signer(const po::variables_map& vm) {
    bool pfx = vm.count("pfx") > 0;
    bool pem = vm.count("cert") > 0 || vm.count("key") > 0;
    if (pfx && pem) throw Error(ExitCode::usage, "give either --pfx or --cert/--key, not both");
    if (pfx) {
        KeyMaterial m = load_pfx(vm["pfx"].as<std::string>(),
                                 password_from(vm, "pfx-password-env", "pfx-password-file"));
        if (vm.count("chain"))
            for (auto& c : load_certificates(vm["chain"].as<std::string>()))
                m.others.push_back(std::move(c));
        return std::make_unique<LocalKeySigner>(std::move(m));
    }
    if (!vm.count("cert") || !vm.count("key"))
        throw Error(ExitCode::usage,
                    "choose a signing key: --cert FILE --key FILE [--chain FILE], or --pfx FILE");
    std::vector<Certificate> certs = load_certificates(vm["cert"].as<std::string>());
    KeyMaterial m{load_private_key(vm["key"].as<std::string>(),
                                   password_from(vm, "key-password-env", "key-password-file")),
                  certs.front(),
                  {certs.begin() + 1, certs.end()}};
    if (vm.count("chain"))
        for (auto& c : load_certificates(vm["chain"].as<std::string>()))
            m.others.push_back(std::move(c));
    return std::make_unique<LocalKeySigner>(std::move(m));
}

}  // namespace cipolicy::cli
