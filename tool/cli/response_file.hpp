#pragma once
// `cipolicy @FILE [more arguments]`: the command line read from FILE, one argument per line,
// verbatim. The build layers (CIPolicy.Build) pass every file name, property and metadata value
// this way, so none of them is ever parsed by /bin/sh or cmd.exe.

#include "cli/commands.hpp"

namespace cipolicy::cli {

// When args[0] is "@FILE": FILE's lines (UTF-8, a byte order mark and CR before LF ignored, empty
// lines skipped, no quoting, no nesting) followed by args[1..]; otherwise args unchanged.
Args expand_response_file(const Args& args);

}  // namespace cipolicy::cli
