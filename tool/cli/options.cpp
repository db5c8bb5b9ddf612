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
#include "core/suggest.hpp"

namespace cipolicy::cli {

namespace {

po::options_description common_options() {
    po::options_description common("Common options");
    common.add_options()("help,h", "show the common options and examples")(
        "help-all", "show every option")("quiet,q", "print errors only")(
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
        parsed.help_all = parsed.vm.count("help-all") > 0;
        parsed.help = parsed.vm.count("help") > 0 || parsed.help_all;
        if (!parsed.help) po::notify(parsed.vm);
    } catch (const po::required_option& e) {
        std::string name = e.get_option_name();
        if (name.rfind("--", 0) == 0) name = name.substr(2);
        if (positional_names(positional).count(name))
            throw Error(ExitCode::usage,
                        command + ": no " + positional_noun(name) + " given" + see);
        throw Error(ExitCode::usage, command + ": --" + name + " is required" + see);
    } catch (const po::unknown_option& e) {
        std::vector<std::string> flags;
        for (const auto& o : all.options())
            if (!o->long_name().empty()) flags.push_back("--" + o->long_name());
        const std::string hint = did_you_mean(e.get_option_name(), flags);
        throw Error(ExitCode::usage, command + ": " + e.what() + (hint.empty() ? see : hint));
    } catch (const po::error& e) {
        throw Error(ExitCode::usage, command + ": " + e.what() + see);
    }
    parsed.flags.quiet = parsed.vm.count("quiet") > 0;
    parsed.flags.verbose = parsed.vm.count("verbose") > 0;
    parsed.flags.json = parsed.vm.count("json") > 0;
    parsed.flags.diagnostics = diagnostic_format(args);
    return parsed;
}

namespace {

constexpr std::size_t kHelpWidth = 100;
constexpr std::size_t kHelpColumn = 28;

// "-o, --output FILE" for an option declared "output,o" with value_name("FILE").
std::string option_left(const po::option_description& o) {
    std::string left;
    const std::string formatted = o.format_name();  // "-o [ --output ]" or "--output"
    if (formatted.size() > 2 && formatted[0] == '-' && formatted[1] != '-')
        left = formatted.substr(0, 2) + ", ";
    left += "--" + o.long_name();
    std::string parameter = o.format_parameter();  // "FILE", "arg", "arg (=8)", ""
    if (parameter.rfind("arg", 0) == 0) parameter = "VALUE" + parameter.substr(3);
    if (!parameter.empty()) left += " " + parameter;
    return left;
}

// `text` wrapped to the help width, continuation lines indented to the description column.
void print_option(const std::string& left, const std::string& text) {
    std::string line = "  " + left;
    if (line.size() + 2 > kHelpColumn) {
        std::cout << line << '\n';
        line.clear();
    }
    line.resize(kHelpColumn, ' ');
    std::istringstream words(text);
    std::string word;
    bool first = true;
    while (words >> word) {
        if (!first && line.size() + 1 + word.size() > kHelpWidth) {
            std::cout << line << '\n';
            line.assign(kHelpColumn, ' ');
            first = true;
        }
        line += (first ? "" : " ") + word;
        first = false;
    }
    std::cout << line << '\n';
}

// Every option of `options` but the positional ones, as Boost groups them ("Signing key:").
// Boost keeps no public view of its groups, so its listing is read back line by line: a caption
// line, or an option line whose name is then shown in our format with its full description.
void print_all_options(const po::options_description& options, const std::set<std::string>& skip) {
    std::ostringstream listing;
    listing << options;
    std::istringstream lines(listing.str());
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line[0] != ' ' && line.back() == ':') {
            std::cout << '\n' << line << '\n';
            continue;
        }
        if (line.rfind("  -", 0) != 0) continue;
        // "  -o [ --output ] arg   text" or "  --root arg   text": the long name.
        std::size_t at = line.find("--");
        std::size_t stop = line.find_first_of(" ]", at);
        const std::string name = line.substr(at + 2, stop - at - 2);
        if (skip.count(name)) continue;
        const po::option_description* o = options.find_nothrow(name, false);
        if (o) print_option(option_left(*o), o->description());
    }
}

}  // namespace

void print_help(const HelpPage& page, const po::options_description& options,
                const po::positional_options_description& positional, bool all) {
    std::cout << "Usage: cipolicy " << page.usage << "\n\n" << page.summary << "\n";
    if (!page.examples.empty()) {
        std::cout << "\nExamples:\n";
        for (const auto& e : page.examples)
            std::cout << "  # " << e.what << "\n  " << e.command << '\n';
    }
    const std::set<std::string> names = positional_names(positional);
    // Positional arguments in order, shown as the usage line spells them (FILE..., POLICY.xml),
    // else as their upper-case name.
    std::vector<std::string> ordered, spelled;
    for (unsigned i = 0; i < positional.max_total_count() && i < 16; ++i)
        if (ordered.empty() || ordered.back() != positional.name_for_position(i))
            ordered.push_back(positional.name_for_position(i));
    std::istringstream words(page.usage);
    std::string word;
    words >> word;  // the command
    while (words >> word && word[0] != '-' && word[0] != '[' && word[0] != '(')
        spelled.push_back(word);
    if (!ordered.empty()) std::cout << "\nArguments:\n";
    for (std::size_t i = 0; i < ordered.size(); ++i) {
        std::string shown = ordered[i];
        std::transform(shown.begin(), shown.end(), shown.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        if (positional.max_total_count() == std::numeric_limits<unsigned>::max()) shown += "...";
        if (i < spelled.size()) shown = spelled[i];
        print_option(shown, options.find(ordered[i], false).description());
    }
    const std::string command = page.usage.substr(0, page.usage.find(' '));
    if (all || page.sections.empty()) {
        po::options_description everything;
        everything.add(options).add(common_options());
        print_all_options(everything, names);
        std::cout << "\nEvery option is described in docs/cli.md.\n";
        return;
    }
    for (const auto& section : page.sections) {
        std::cout << '\n' << section.title << ":\n";
        for (const auto& h : section.options) {
            const po::option_description& o = options.find(h.name, false);
            print_option(option_left(o), h.text.empty() ? o.description() : h.text);
        }
    }
    std::cout << "\nAlso: --json, -q/--quiet, -v/--verbose, --diagnostics msbuild.\n"
              << "cipolicy " << command << " --help-all lists every option; docs/cli.md "
              << "describes them.\n";
}

}  // namespace cipolicy::cli
