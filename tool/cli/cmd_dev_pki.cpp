#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "crypto/dev_pki.hpp"

namespace cipolicy::cli {

int run_dev_pki(const Args& args) {
    po::options_description opts("dev-pki options");
    opts.add_options()("out-dir", po::value<std::string>()->value_name("DIR")->required(),
                       "folder for the certificates and key (created if missing)")(
        "name", po::value<std::string>()->default_value("cipolicy Development")->value_name("TEXT"),
        "prefix of the certificate subjects")(
        "force", "replace the files of a PKI already in the folder (its root and key are lost)");
    po::positional_options_description pos;
    pos.add("out-dir", 1);
    ParsedArgs a = parse_args("dev-pki", args, opts, pos);
    if (a.help) {
        print_help(
            {"dev-pki --out-dir DIR [--name TEXT] [--force]",
             "Creates a development PKI: root -> intermediate -> RSA-3072 code signing\n"
             "certificate. The key is written unencrypted, readable by you only: for tests\n"
             "and demos only. An existing PKI in DIR is kept (refused) unless --force.",
             {{"a throw-away PKI for tests and demos", "cipolicy dev-pki --out-dir pki"},
              {"with your own subject prefix",
               "cipolicy dev-pki --out-dir pki --name \"Contoso Test\""},
              {"replace a PKI already in the folder", "cipolicy dev-pki --out-dir pki --force"}},
             {}},
            opts, {}, a.help_all);
        return 0;
    }
    Console out(a.flags);
    crypto::DevPkiFiles f = crypto::create_dev_pki(
        a.vm["out-dir"].as<std::string>(), a.vm["name"].as<std::string>(),
        a.vm.count("force") ? crypto::ExistingPki::replace : crypto::ExistingPki::keep);
    out.result("root certificate:   " + f.root_cert.string());
    out.result("signer certificate: " + f.signer_cert.string());
    out.result("signer key:         " + f.signer_key.string() + " (unencrypted: development only)");
    out.result("chain:              " + f.chain.string());
    out.json({{"rootCert", f.root_cert.string()},
              {"rootPem", f.root_pem.string()},
              {"intermediate", f.intermediate_pem.string()},
              {"signerCert", f.signer_cert.string()},
              {"signerKey", f.signer_key.string()},
              {"chain", f.chain.string()}});
    return 0;
}

}  // namespace cipolicy::cli
