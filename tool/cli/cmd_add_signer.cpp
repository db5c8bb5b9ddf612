#include <nlohmann/json.hpp>

#include "cli/az_aliases.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output_guard.hpp"
#include "cli/policy_edit_output.hpp"
#include "cli/service_command.hpp"
#include "cms/policy_file.hpp"
#include "core/error.hpp"
#include "core/utf8.hpp"
#include "crypto/certificate.hpp"
#include "policy/policy_edits.hpp"

namespace cipolicy::cli {

int run_add_signer(const Args& args) {
    po::options_description opts("add-signer options");
    po::positional_options_description pos;
    add_policy_edit_options(opts, pos);
    opts.add_options()("cert", po::value<std::string>()->value_name("CERT"),
                       "the certificate to trust (PEM or DER; the first of a bundle), usually "
                       "your root CA")("eku",
                                       po::value<std::vector<std::string>>()->value_name("OID"),
                                       "an EKU OID the signing certificate must carry "
                                       "(repeatable)")(
        "update", "name the signer in UpdatePolicySigners: it may sign this policy")(
        "supplemental", "name it in SupplementalPolicySigners: it may sign supplemental policies");
    po::options_description service(
        "Trusted Signing profile, instead of --cert (its root and "
        "customer EKU)");
    service.add(service_command_options());
    opts.add(service);
    ParsedArgs a = parse_args("add-signer", map_az_aliases(args), opts, pos);
    if (a.help) {
        print_help(
            {"add-signer POLICY.xml (--cert CERT | --metadata FILE) [--update] [--supplemental]",
             "Add-SignerRule -Update/-Supplemental: adds a signer for CERT by TBS hash (with\n"
             "CertEKUs for --eku) and names it in UpdatePolicySigners and/or\n"
             "SupplementalPolicySigners. With a Trusted Signing profile (--metadata, or\n"
             "--endpoint/--account/--profile) the signer is the profile's root with its customer\n"
             "EKU, so that only this profile's certificates match. An identical EKU or signer\n"
             "already in the policy is reused. Everything else in the file stays as it was.",
             {{"trust your root to sign the policy and its supplementals",
               "cipolicy add-signer policy.xml --cert root.cer --update --supplemental"},
              {"trust a Trusted Signing profile (its root and customer EKU)",
               "cipolicy add-signer policy.xml --metadata metadata.json --update"}},
             {{"Signer",
               {{"cert", ""},
                {"eku", ""},
                {"metadata", "a Trusted Signing profile instead of --cert"}}},
              {"Where", {{"update", ""}, {"supplemental", ""}, {"output", ""}}}}},
            opts, pos, a.help_all);
        return 0;
    }
    policy::SignerRuleRequest request;
    request.update = a.vm.count("update") > 0;
    request.supplemental = a.vm.count("supplemental") > 0;
    if (!request.update && !request.supplemental)
        throw Error(ExitCode::usage, "add-signer: give --update, --supplemental or both");
    if (a.vm.count("eku")) request.eku_oids = a.vm["eku"].as<std::vector<std::string>>();
    Console out(a.flags);
    bool from_service = !a.vm.count("cert") && names_service_profile(a.vm);
    if (!a.vm.count("cert") && !from_service)
        throw Error(ExitCode::usage,
                    "add-signer: give --cert CERT, or a Trusted Signing profile with --metadata "
                    "FILE (or --endpoint URL --account NAME --profile NAME)");
    if (a.vm.count("cert") && (a.vm.count("metadata") || a.vm.count("endpoint")))
        throw Error(ExitCode::usage,
                    "add-signer: give --cert or a Trusted Signing profile (--metadata, "
                    "--endpoint), not both");
    // Checked before anything is downloaded.
    const auto output = policy_edit_output(a.vm, "add-signer", from_service);
    std::optional<crypto::Certificate> cert;
    if (from_service) {
        ProfileIdentity identity = fetch_profile_identity(a.vm, out);
        cert = identity.root;
        request.eku_oids.insert(request.eku_oids.end(), identity.ekus.begin(), identity.ekus.end());
    } else {
        cert = crypto::load_certificates(a.vm["cert"].as<std::string>()).front();
    }
    request.tbs_hash = cert->tbs_hash();
    // The CN is the certificate's word, not ours: a control character in it must not make the
    // policy XML ill-formed.
    request.name = xml_safe(cert->common_name());

    auto source = cms::load_policy_xml(a.vm["policy"].as<std::string>(), true);
    const auto result = policy::add_signer_rule(source, request);
    write_edited_policy(source, output, out);
    std::string ekus;
    for (const auto& oid : request.eku_oids) ekus += (ekus.empty() ? ", EKU " : ", ") + oid;
    out.result(std::string(result.signer_added ? "added" : "reused") + " signer " +
               result.signer_id + " for '" + request.name + "' (TBS " + to_hex(request.tbs_hash) +
               ekus + ") in " + output.string());
    out.json({{"output", output.string()},
              {"signerId", result.signer_id},
              {"signerAdded", result.signer_added},
              {"ekuIds", result.eku_ids},
              {"ekuOids", request.eku_oids},
              {"tbsHash", to_hex(request.tbs_hash)},
              {"name", request.name}});
    return 0;
}

}  // namespace cipolicy::cli
