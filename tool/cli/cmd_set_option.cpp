#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/policy_edit_output.hpp"
#include "cms/policy_file.hpp"
#include "core/error.hpp"
#include "core/quote.hpp"
#include "core/suggest.hpp"
#include "policy/options.hpp"
#include "policy/policy_edits.hpp"

namespace cipolicy::cli {
namespace {

// A rule option by Set-RuleOption number ("6") or XML name ("Enabled:Unsigned System Integrity
// Policy").
const policy::RuleOptionInfo& find_option(const std::string& text) {
    const policy::RuleOptionInfo* info = nullptr;
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos &&
        text.size() <= 3)
        info = policy::find_rule_option_by_number(std::stoi(text));
    else
        info = policy::find_rule_option(text);
    if (!info) {
        std::vector<std::string> names;
        for (const auto& o : policy::rule_options()) names.emplace_back(o.xml_name);
        const std::string hint = did_you_mean(text, names);
        throw Error(ExitCode::usage,
                    "set-option: unknown option '" + escaped(text) + "'" +
                        (hint.empty() ? " (a Set-RuleOption number such as 6, or a name such as "
                                        "'Enabled:Unsigned System Integrity Policy'; see "
                                        "docs/compiler.md)"
                                      : hint));
    }
    return *info;
}

}  // namespace

int run_set_option(const Args& args) {
    po::options_description opts("set-option options");
    po::positional_options_description pos;
    add_policy_edit_options(opts, pos);
    opts.add_options()("add", po::value<std::vector<std::string>>()->value_name("OPTION"),
                       "option to set: number or name (repeatable)")(
        "remove", po::value<std::vector<std::string>>()->value_name("OPTION"),
        "option to clear: number or name (repeatable)");
    ParsedArgs a = parse_args("set-option", args, opts, pos);
    if (a.help) {
        print_help(
            {"set-option POLICY.xml (--add|--remove OPTION)... [-o OUT]",
             "Set-RuleOption: adds or removes rule options, by Set-RuleOption number (6)\n"
             "or by name ('Enabled:Unsigned System Integrity Policy').",
             {{"allow supplemental policies (option 17)", "cipolicy set-option base.xml --add 17"},
              {"leave audit mode, by name",
               "cipolicy set-option policy.xml --remove \"Enabled:Audit Mode\""}},
             {}},
            opts, pos, a.help_all);
        return 0;
    }
    auto list = [&](const char* name) {
        return a.vm.count(name) ? a.vm[name].as<std::vector<std::string>>()
                                : std::vector<std::string>{};
    };
    const auto add = list("add"), remove = list("remove");
    if (add.empty() && remove.empty())
        throw Error(ExitCode::usage, "set-option: give --add or --remove");
    Console out(a.flags);
    auto source = cms::load_policy_xml(a.vm["policy"].as<std::string>(), true);
    nlohmann::json changes = nlohmann::json::array();
    for (const auto& [names, enable] : {std::pair{add, true}, std::pair{remove, false}}) {
        for (const auto& name : names) {
            const auto& info = find_option(name);
            const bool changed = policy::set_rule_option(source, info, enable);
            const std::string what(info.xml_name);
            out.result((changed ? (enable ? "added " : "removed ")
                                : (enable ? "already set: " : "not set: ")) +
                       what);
            changes.push_back({{"option", what}, {"enabled", enable}, {"changed", changed}});
        }
    }
    const auto output = policy_edit_output(a.vm, "set-option");
    write_edited_policy(source, output, out);
    out.json({{"output", output.string()}, {"changes", changes}});
    return 0;
}

}  // namespace cipolicy::cli
