#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "crypto/certificate.hpp"

namespace cipolicy::cli {

int run_tbs_hash(const Args& args) {
    po::options_description opts("tbs-hash options");
    opts.add_options()("cert", po::value<std::vector<std::string>>()->required(),
                       "certificate file(s): DER or PEM (every certificate of a bundle)");
    po::positional_options_description pos;
    pos.add("cert", -1);
    ParsedArgs a = parse_args("tbs-hash", args, opts, pos);
    if (a.help) {
        print_help(
            {"tbs-hash CERT... [--json]",
             "Prints the TBS hash Windows compares with CertRoot Type=\"TBS\" in signer\n"
             "rules, hashed with the certificate's own signature digest.",
             {{"the CertRoot value a signer rule takes for a certificate",
               "cipolicy tbs-hash root.cer"},
              {"every certificate of a bundle, as JSON", "cipolicy tbs-hash chain.pem --json"}},
             {}},
            opts, pos, a.help_all);
        return 0;
    }
    Console out(a.flags);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& file : a.vm["cert"].as<std::vector<std::string>>()) {
        for (const auto& cert : crypto::load_certificates(file)) {
            std::string tbs = to_hex(cert.tbs_hash());
            std::string alg(crypto::digest_name(cert.tbs_hash_algorithm()));
            out.result(tbs + "  " + alg + "  " + cert.subject());
            list.push_back({{"file", file},
                            {"subject", cert.subject()},
                            {"algorithm", alg},
                            {"tbsHash", tbs}});
        }
    }
    out.json(list);
    return 0;
}

}  // namespace cipolicy::cli
