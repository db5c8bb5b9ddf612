#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/policy_edit_output.hpp"
#include "core/error.hpp"
#include "crypto/certificate.hpp"
#include "policy/policy_edits.hpp"

namespace cipolicy::cli {

int run_add_signer(const Args& args) {
    po::options_description opts("add-signer options");
    po::positional_options_description pos;
    add_policy_edit_options(opts, pos);
    opts.add_options()("cert", po::value<std::string>()->required(),
                       "the certificate to trust (PEM or DER; the first of a bundle), usually "
                       "your root CA")("eku", po::value<std::vector<std::string>>(),
                                       "an EKU OID the signing certificate must carry "
                                       "(repeatable)")(
        "update", "name the signer in UpdatePolicySigners: it may sign this policy")(
        "supplemental", "name it in SupplementalPolicySigners: it may sign supplemental policies");
    ParsedArgs a = parse_args("add-signer", args, opts, pos);
    if (a.help) {
        print_help(
            "add-signer POLICY.xml --cert CERT [--eku OID]... [--update] [--supplemental] "
            "[-o OUT]",
            "Add-SignerRule -Update/-Supplemental: adds a signer for CERT by TBS hash (with\n"
            "CertEKUs for --eku) and names it in UpdatePolicySigners and/or\n"
            "SupplementalPolicySigners. An identical EKU or signer already in the policy is\n"
            "reused. Everything else in the file stays as it was.",
            opts, pos);
        return 0;
    }
    policy::SignerRuleRequest request;
    request.update = a.vm.count("update") > 0;
    request.supplemental = a.vm.count("supplemental") > 0;
    if (!request.update && !request.supplemental)
        throw Error(ExitCode::usage, "add-signer: give --update, --supplemental or both");
    if (a.vm.count("eku")) request.eku_oids = a.vm["eku"].as<std::vector<std::string>>();
    Console out(a.flags);
    const Certificate cert = load_certificates(a.vm["cert"].as<std::string>()).front();
    request.tbs_hash = cert.tbs_hash();
    request.name = cert.common_name();

    auto source = policy::XmlSource::load(a.vm["policy"].as<std::string>(), true);
    const auto result = policy::add_signer_rule(source, request);
    const auto output = policy_edit_output(a.vm);
    write_edited_policy(source, output, out);
    out.result(std::string(result.signer_added ? "added" : "reused") + " signer " +
               result.signer_id + " for '" + request.name + "' (TBS " + to_hex(request.tbs_hash) +
               ") in " + output.string());
    out.json({{"output", output.string()},
              {"signerId", result.signer_id},
              {"signerAdded", result.signer_added},
              {"ekuIds", result.eku_ids},
              {"tbsHash", to_hex(request.tbs_hash)},
              {"name", request.name}});
    return 0;
}

}  // namespace cipolicy::cli
