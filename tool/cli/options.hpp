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
    bool help = false;      // --help or --help-all
    bool help_all = false;  // --help-all
};

// A command's --help: examples first, then the options of the common path in groups, each on
// one line with its value name; every other option is behind --help-all (and in docs/cli.md).
struct HelpExample {
    std::string what;     // "sign with a local key and its chain"
    std::string command;  // "cipolicy sign policy.bin --cert signer.pem --key signer.key"
};
struct HelpOption {
    std::string name;  // the long name ("output"), as the option was declared
    std::string text;  // one short line; empty: the option's own description
};
struct HelpSection {
    std::string title;
    std::vector<HelpOption> options;
};
struct HelpPage {
    std::string usage;    // after "cipolicy "
    std::string summary;  // a few lines
    std::vector<HelpExample> examples;
    std::vector<HelpSection> sections;  // empty: every option of the command, in one group
};

// Parses `args` (after the subcommand name) with the command's options plus the common ones
// (--help, --quiet, --verbose, --json). Throws Error(usage) naming the command on bad input: a
// missing positional argument reads "no input policy given", and a password or token given as a
// value (--pfx-password VALUE) is refused without repeating it.
ParsedArgs parse_args(const std::string& command, const std::vector<std::string>& args,
                      const po::options_description& options,
                      const po::positional_options_description& positional);

// The page on stdout: usage, summary, examples, then `page.sections` (or, with `all`, every option
// in the groups the command declared). Options that are `positional` are listed as arguments
// (INPUT...), not as --input.
void print_help(const HelpPage& page, const po::options_description& options,
                const po::positional_options_description& positional, bool all);

}  // namespace cipolicy::cli
