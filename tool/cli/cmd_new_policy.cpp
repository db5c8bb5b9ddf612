#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output_guard.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "crypto/certificate.hpp"
#include "policy/binary_writer.hpp"
#include "policy/sample_policy.hpp"

namespace cipolicy::cli {

int run_new_policy(const Args& args) {
    po::options_description opts("new-policy options");
    opts.add_options()("update-signer", po::value<std::string>()->required(),
                       "certificate the policy trusts to sign it (usually your root CA)")(
        "output,o", po::value<std::string>()->required(), "where to write the policy binary")(
        "policy-id", po::value<std::string>(), "PolicyID GUID (default: a new random one)");
    po::positional_options_description pos;
    ParsedArgs a = parse_args("new-policy", args, opts, pos);
    if (a.help) {
        print_help("new-policy --update-signer CERT -o POLICY.bin [--policy-id GUID]",
                   "Writes a small allow-all base policy in audit mode (multiple-policy format,\n"
                   "format 8) whose UpdatePolicySigners and SupplementalPolicySigners name CERT\n"
                   "by TBS hash, without option 6: ready to sign with a key chaining to CERT.",
                   opts);
        return 0;
    }
    Console out(a.flags);
    std::string cert_file = a.vm["update-signer"].as<std::string>();
    const std::string output = a.vm["output"].as<std::string>();
    refuse_output_onto_input(output, {cert_file}, "new-policy");
    Certificate cert = load_certificates(cert_file).front();
    policy::Guid id = policy::Guid::random();
    if (a.vm.count("policy-id")) {
        auto parsed = policy::Guid::parse(a.vm["policy-id"].as<std::string>());
        if (!parsed)
            throw Error(ExitCode::usage, "new-policy: --policy-id is not a GUID: " +
                                             a.vm["policy-id"].as<std::string>());
        id = *parsed;
    }
    policy::Policy p = policy::make_signable_base_policy(cert.tbs_hash(), id);
    write_file_atomically(output, policy::write_policy_binary(p));
    out.result("wrote " + output + ": base policy " + id.to_string() + " trusting '" +
               cert.common_name() + "' (TBS " + to_hex(cert.tbs_hash()) + ")");
    out.json({{"output", output},
              {"policyId", id.to_string()},
              {"updateSigner", cert.subject()},
              {"tbsHash", to_hex(cert.tbs_hash())}});
    return 0;
}

}  // namespace cipolicy::cli
