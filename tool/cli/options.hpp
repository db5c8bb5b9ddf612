#pragma once
// Command-line parsing shared by every subcommand (Boost.Program_options).

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "cli/console.hpp"

namespace cipolicy::cli {

namespace po = boost::program_options;

struct ParsedArgs {
    po::variables_map vm;
    ConsoleFlags flags;
    bool help = false;
};

// Parses `args` (after the subcommand name) with the command's options plus the common ones
// (--help, --quiet, --verbose, --json). Throws Error(usage) naming the command on bad input: a
// missing positional argument reads "no input policy given", and a password or token given as a
// value (--pfx-password VALUE) is refused without repeating it.
ParsedArgs parse_args(const std::string& command, const std::vector<std::string>& args,
                      const po::options_description& options,
                      const po::positional_options_description& positional);

// "Usage: cipolicy <usage>\n<summary>\n\n<options>" on stdout. Options that are `positional`
// are listed as arguments (INPUT...), not as --input.
void print_help(const std::string& usage, const std::string& summary,
                const po::options_description& options,
                const po::positional_options_description& positional = {});

}  // namespace cipolicy::cli
