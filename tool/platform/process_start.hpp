#pragma once
// What main() does first on every platform: arguments as UTF-8, and standard streams that carry
// UTF-8 bytes exactly as written (no code page or CRLF translation on Windows).

#include <string>
#include <vector>

namespace cipolicy::platform {

// The command line as UTF-8 strings: on Windows read from the UTF-16 command line (argv there is
// in the ANSI code page and loses characters), elsewhere argv as it is.
std::vector<std::string> utf8_arguments(int argc, char** argv);

// Sets up stdout/stderr for UTF-8 text written byte for byte.
void prepare_standard_streams();

}  // namespace cipolicy::platform
