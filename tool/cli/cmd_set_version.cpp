#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/policy_edit_output.hpp"
#include "cms/policy_file.hpp"
#include "core/error.hpp"
#include "policy/policy_edits.hpp"

namespace cipolicy::cli {

int run_set_version(const Args& args) {
    po::options_description opts("set-version options");
    po::positional_options_description pos;
    add_policy_edit_options(opts, pos);
    opts.add_options()("version", po::value<std::string>()->required(),
                       "the new VersionEx, a.b.c.d");
    pos.add("version", 1);
    ParsedArgs a = parse_args("set-version", args, opts, pos);
    if (a.help) {
        print_help({"set-version POLICY.xml VERSION [-o OUT]",
                    "Set-CIPolicyVersion: sets VersionEx. Windows does not replace a deployed\n"
                    "policy with one of a lower version, so a lower one draws a warning.",
                    {{"raise the version before deploying an update",
                      "cipolicy set-version policy.xml 10.0.1.0"}},
                    {}},
                   opts, pos, a.help_all);
        return 0;
    }
    const std::string text = a.vm["version"].as<std::string>();
    const auto version = policy::Version::parse(text);
    if (!version)
        throw Error(ExitCode::usage,
                    "set-version: '" + text + "' is not a version (four numbers 0-65535, a.b.c.d)");
    Console out(a.flags);
    auto source = cms::load_policy_xml(a.vm["policy"].as<std::string>(), true);
    const auto previous = policy::set_policy_version(source, *version);
    if (*version < previous)
        out.warning("version " + version->to_string() + " is lower than " + previous.to_string() +
                    ": Windows keeps a deployed policy rather than load a lower version");
    const auto output = policy_edit_output(a.vm, "set-version");
    write_edited_policy(source, output, out);
    out.result("version " + previous.to_string() + " -> " + version->to_string() + " in " +
               output.string());
    out.json({{"output", output.string()},
              {"previous", previous.to_string()},
              {"version", version->to_string()}});
    return 0;
}

}  // namespace cipolicy::cli
