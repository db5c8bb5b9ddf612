#include "cli/options.hpp"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "core/error.hpp"

namespace cipolicy::cli {

namespace {

po::options_description common_options() {
    po::options_description common("Common options");
    common.add_options()("help,h", "show this help")("quiet,q", "print errors only")(
        "verbose,v", "print details of each step on stderr")("json",
                                                             "print the result as JSON on stdout")(
        "diagnostics", po::value<std::string>()->value_name("plain|msbuild"),
        "error format: plain (default) or MSBuild's canonical 'origin : error CIPnnnn: text'");
    return common;
}

std::set<std::string> positional_names(const po::positional_options_description& positional) {
    std::set<std::string> names;
    for (unsigned i = 0; i < positional.max_total_count() && i < 16; ++i)
        names.insert(positional.name_for_position(i));
    return names;
}

// What a missing positional argument is, for "no ... given".
std::string positional_noun(const std::string& name) {
    static const std::map<std::string, std::string> nouns{{"input", "input policy"},
                                                          {"policy", "input policy"},
                                                          {"cert", "certificate"},
                                                          {"version", "version"},
                                                          {"out-dir", "output folder"}};
    auto it = nouns.find(name);
    return it == nouns.end() ? name : it->second;
}

// Options that would take a secret itself. Boost would call --pfx-password "ambiguous" (it
// prefixes -env and -file) and could accept --access-token as an abbreviation of
// --access-token-file, then name the token as a missing file: refuse them first, never echoing.
void reject_secret_values(const std::string& command, const std::vector<std::string>& args) {
    static const std::map<std::string, std::string> secret_options{
        {"--pfx-password", "--pfx-password-env VAR or --pfx-password-file FILE"},
        {"--key-password", "--key-password-env VAR or --key-password-file FILE"},
        {"--password", "--pfx-password-env VAR / --key-password-env VAR, or the -file forms"},
        {"--access-token", "--access-token-file FILE or the variable CIPOLICY_ACCESS_TOKEN"},
    };
    for (const auto& arg : args) {
        if (arg == "--") break;
        std::string name = arg.substr(0, arg.find('='));
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        auto it = secret_options.find(name);
        if (it != secret_options.end())
            throw Error(ExitCode::usage, command + ": " + name +
                                             ": passwords and tokens are never taken on the "
                                             "command line; give " +
                                             it->second);
    }
}

}  // namespace

ParsedArgs parse_args(const std::string& command, const std::vector<std::string>& args,
                      const po::options_description& options,
                      const po::positional_options_description& positional) {
    reject_secret_values(command, args);
    po::options_description all;
    all.add(options).add(common_options());
    ParsedArgs parsed;
    const std::string see = " (see 'cipolicy " + command + " --help')";
    try {
        po::store(po::command_line_parser(args).options(all).positional(positional).run(),
                  parsed.vm);
        parsed.help = parsed.vm.count("help") > 0;
        if (!parsed.help) po::notify(parsed.vm);
    } catch (const po::required_option& e) {
        std::string name = e.get_option_name();
        if (name.rfind("--", 0) == 0) name = name.substr(2);
        if (positional_names(positional).count(name))
            throw Error(ExitCode::usage,
                        command + ": no " + positional_noun(name) + " given" + see);
        throw Error(ExitCode::usage, command + ": --" + name + " is required" + see);
    } catch (const po::error& e) {
        throw Error(ExitCode::usage, command + ": " + e.what() + see);
    }
    parsed.flags.quiet = parsed.vm.count("quiet") > 0;
    parsed.flags.verbose = parsed.vm.count("verbose") > 0;
    parsed.flags.json = parsed.vm.count("json") > 0;
    parsed.flags.diagnostics = diagnostic_format(args);
    return parsed;
}

void print_help(const std::string& usage, const std::string& summary,
                const po::options_description& options,
                const po::positional_options_description& positional) {
    std::cout << "Usage: cipolicy " << usage << "\n\n" << summary << "\n\n";
    const std::set<std::string> names = positional_names(positional);
    // Positional arguments in order, shown as the usage line spells them (FILE..., POLICY.xml),
    // else as their upper-case name.
    std::vector<std::string> ordered, spelled;
    for (unsigned i = 0; i < positional.max_total_count() && i < 16; ++i)
        if (ordered.empty() || ordered.back() != positional.name_for_position(i))
            ordered.push_back(positional.name_for_position(i));
    std::istringstream words(usage);
    std::string word;
    words >> word;  // the command
    while (words >> word && word[0] != '-' && word[0] != '[' && word[0] != '(')
        spelled.push_back(word);
    std::string arguments;
    for (std::size_t i = 0; i < ordered.size(); ++i) {
        std::string shown = ordered[i];
        std::transform(shown.begin(), shown.end(), shown.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        if (positional.max_total_count() == std::numeric_limits<unsigned>::max()) shown += "...";
        if (i < spelled.size()) shown = spelled[i];
        shown.resize(std::max<std::size_t>(shown.size() + 2, 22), ' ');
        arguments += "  " + shown + options.find(ordered[i], false).description() + "\n";
    }
    if (!arguments.empty()) std::cout << "Arguments:\n" << arguments << '\n';
    po::options_description all;
    all.add(options).add(common_options());
    std::ostringstream listing;
    listing << all;
    // Boost lists every option as --name; drop the positional ones (and their continuation
    // lines), which are shown above as arguments. Boost keeps no public view of its groups.
    std::istringstream lines(listing.str());
    bool skipping = false, started = false;
    for (std::string line; std::getline(lines, line);) {
        if (!started && line.empty()) continue;  // Boost's leading blank line
        started = true;
        bool option_line = line.rfind("  -", 0) == 0;
        if (option_line) {
            skipping = false;
            for (const auto& name : names)
                if (line.rfind("  --" + name + " ", 0) == 0 || line == "  --" + name)
                    skipping = true;
        } else if (line.empty() || line[0] != ' ') {
            skipping = false;
        }
        if (!skipping) std::cout << line << '\n';
    }
}

}  // namespace cipolicy::cli
