#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/policy_edit_output.hpp"
#include "cms/policy_file.hpp"
#include "core/error.hpp"
#include "policy/policy_edits.hpp"

namespace cipolicy::cli {
namespace {

std::optional<policy::Guid> guid_option(const po::variables_map& vm, const char* name) {
    if (!vm.count(name)) return std::nullopt;
    const std::string text = vm[name].as<std::string>();
    auto g = policy::Guid::parse(text);
    if (!g)
        throw Error(ExitCode::usage, std::string("set-id: --") + name + " is not a GUID: " + text);
    return g;
}

}  // namespace

int run_set_id(const Args& args) {
    po::options_description opts("set-id options");
    po::positional_options_description pos;
    add_policy_edit_options(opts, pos);
    opts.add_options()("reset", "give the policy a new random PolicyID")(
        "policy-id", po::value<std::string>()->value_name("GUID"), "give the policy this PolicyID")(
        "base", po::value<std::string>()->value_name("GUID"),
        "make it a supplemental policy of the base policy with this PolicyID");
    ParsedArgs a = parse_args("set-id", args, opts, pos);
    if (a.help) {
        print_help(
            {"set-id POLICY.xml [--reset | --policy-id GUID] [--base ID] [-o OUT]",
             "Set-CIPolicyIdInfo: a new PolicyID (-ResetPolicyID), or supplemental to a\n"
             "base policy (-SupplementsBasePolicyID). A single-policy-format policy becomes\n"
             "multiple-policy format; a base policy's BasePolicyID follows its PolicyID.",
             {{"a new PolicyID", "cipolicy set-id policy.xml --reset"},
              {"make it a supplemental of a base",
               "cipolicy set-id supplemental.xml --reset --base {BASE-POLICY-ID}"}},
             {}},
            opts, pos, a.help_all);
        return 0;
    }
    auto new_id = guid_option(a.vm, "policy-id");
    const auto base = guid_option(a.vm, "base");
    if (a.vm.count("reset")) {
        if (new_id) throw Error(ExitCode::usage, "set-id: give --reset or --policy-id, not both");
        new_id = policy::Guid::random();
    }
    if (!new_id && !base)
        throw Error(ExitCode::usage, "set-id: give --reset, --policy-id or --base");
    Console out(a.flags);
    auto source = cms::load_policy_xml(a.vm["policy"].as<std::string>(), true);
    const auto ids = policy::set_policy_ids(source, new_id, base);
    const auto output = policy_edit_output(a.vm, "set-id");
    write_edited_policy(source, output, out);
    out.result("PolicyID " + ids.policy_id.to_string() + ", BasePolicyID " +
               ids.base_policy_id.to_string() + " in " + output.string());
    out.json({{"output", output.string()},
              {"policyId", ids.policy_id.to_string()},
              {"basePolicyId", ids.base_policy_id.to_string()}});
    return 0;
}

}  // namespace cipolicy::cli
