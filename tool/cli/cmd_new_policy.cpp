#include <nlohmann/json.hpp>

#include "cli/az_aliases.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output_file.hpp"
#include "cli/output_guard.hpp"
#include "cli/service_command.hpp"
#include "core/error.hpp"
#include "crypto/certificate.hpp"
#include "policy/binary_writer.hpp"
#include "policy/sample_policy.hpp"

namespace cipolicy::cli {

int run_new_policy(const Args& args) {
    po::options_description opts("new-policy options");
    opts.add_options()("update-signer", po::value<std::string>()->value_name("CERT"),
                       "certificate the policy trusts to sign it (usually your root CA)")(
        "eku", po::value<std::vector<std::string>>()->value_name("OID"),
        "an EKU OID the signing certificate must carry (repeatable)")(
        "output,o", po::value<std::string>()->required()->value_name("FILE"),
        "where to write the policy binary")("policy-id",
                                            po::value<std::string>()->value_name("GUID"),
                                            "PolicyID GUID (default: a new random one)");
    po::options_description service(
        "Trusted Signing profile, instead of --update-signer (its "
        "root and customer EKU)");
    service.add(service_command_options());
    opts.add(service);
    po::positional_options_description pos;
    ParsedArgs a = parse_args("new-policy", map_az_aliases(args), opts, pos);
    if (a.help) {
        print_help(
            {"new-policy (--update-signer CERT | --metadata FILE) -o POLICY.bin [--policy-id GUID]",
             "Writes a small allow-all base policy in audit mode (multiple-policy format,\n"
             "format 8) whose UpdatePolicySigners and SupplementalPolicySigners name CERT\n"
             "by TBS hash (with a CertEKU per --eku), without option 6: ready to sign with\n"
             "a key chaining to CERT. With a Trusted Signing profile the signer is the\n"
             "profile's root with its customer EKU.",
             {{"a signable base policy trusting your root",
               "cipolicy new-policy --update-signer root.cer -o policy.bin"},
              {"trusting a Trusted Signing profile",
               "cipolicy new-policy --metadata metadata.json -o policy.bin"}},
             {{"Signer",
               {{"update-signer", ""},
                {"eku", ""},
                {"metadata", "a Trusted Signing profile instead of --update-signer"}}},
              {"Output", {{"output", ""}, {"policy-id", ""}}}}},
            opts, {}, a.help_all);
        return 0;
    }
    Console out(a.flags);
    const std::string output = a.vm["output"].as<std::string>();
    check_output_option("new-policy", a.vm, false, true);
    std::vector<std::string> ekus;
    if (a.vm.count("eku")) ekus = a.vm["eku"].as<std::vector<std::string>>();
    std::optional<crypto::Certificate> cert;
    if (a.vm.count("update-signer")) {
        if (a.vm.count("metadata") || a.vm.count("endpoint"))
            throw Error(ExitCode::usage,
                        "new-policy: give --update-signer or a Trusted Signing profile "
                        "(--metadata, --endpoint), not both");
        const std::string cert_file = a.vm["update-signer"].as<std::string>();
        cert = crypto::load_certificates(cert_file).front();
    } else if (names_service_profile(a.vm)) {
        ProfileIdentity identity = fetch_profile_identity(a.vm, out);
        cert = identity.root;
        ekus.insert(ekus.end(), identity.ekus.begin(), identity.ekus.end());
    } else {
        throw Error(ExitCode::usage,
                    "new-policy: give --update-signer CERT, or a Trusted Signing profile with "
                    "--metadata FILE (or --endpoint URL --account NAME --profile NAME)");
    }
    policy::Guid id = policy::Guid::random();
    if (a.vm.count("policy-id")) {
        auto parsed = policy::Guid::parse(a.vm["policy-id"].as<std::string>());
        if (!parsed)
            throw Error(ExitCode::usage, "new-policy: --policy-id is not a GUID: " +
                                             a.vm["policy-id"].as<std::string>());
        id = *parsed;
    }
    policy::Policy p = policy::make_signable_base_policy(cert->tbs_hash(), id, ekus);
    write_output(output, policy::write_policy_binary(p), false);
    std::string eku_text;
    for (const auto& oid : ekus) eku_text += (eku_text.empty() ? ", EKU " : ", ") + oid;
    out.result("wrote " + output + ": base policy " + id.to_string() + " trusting '" +
               cert->common_name() + "' (TBS " + to_hex(cert->tbs_hash()) + eku_text + ")");
    out.json({{"output", output},
              {"policyId", id.to_string()},
              {"updateSigner", cert->subject()},
              {"tbsHash", to_hex(cert->tbs_hash())},
              {"ekus", ekus}});
    return 0;
}

}  // namespace cipolicy::cli
