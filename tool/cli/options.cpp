#include "cli/options.hpp"

#include <iostream>

#include "core/error.hpp"

namespace cipolicy::cli {

static po::options_description common_options() {
    po::options_description common("Common options");
    common.add_options()("help,h", "show this help")("quiet,q", "print errors only")(
        "verbose,v", "print details of each step on stderr")("json",
                                                             "print the result as JSON on stdout")(
        "diagnostics", po::value<std::string>()->value_name("plain|msbuild"),
        "error format: plain (default) or MSBuild's canonical 'origin : error CIPnnnn: text'");
    return common;
}

ParsedArgs parse_args(const std::string& command, const std::vector<std::string>& args,
                      const po::options_description& options,
                      const po::positional_options_description& positional) {
    po::options_description all;
    all.add(options).add(common_options());
    ParsedArgs parsed;
    try {
        po::store(po::command_line_parser(args).options(all).positional(positional).run(),
                  parsed.vm);
        parsed.help = parsed.vm.count("help") > 0;
        if (!parsed.help) po::notify(parsed.vm);
    } catch (const po::error& e) {
        throw Error(ExitCode::usage,
                    command + ": " + e.what() + " (see 'cipolicy " + command + " --help')");
    }
    parsed.flags.quiet = parsed.vm.count("quiet") > 0;
    parsed.flags.verbose = parsed.vm.count("verbose") > 0;
    parsed.flags.json = parsed.vm.count("json") > 0;
    parsed.flags.diagnostics = diagnostic_format(args);
    return parsed;
}

void print_help(const std::string& usage, const std::string& summary,
                const po::options_description& options) {
    std::cout << "Usage: cipolicy " << usage << "\n\n" << summary << "\n\n";
    po::options_description all;
    all.add(options).add(common_options());
    std::cout << all << '\n';
}

}  // namespace cipolicy::cli
