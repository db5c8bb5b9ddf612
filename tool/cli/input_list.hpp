#pragma once
// Expands input arguments: plain paths, `@listfile` (one path per line, # comments), and
// wildcards (* and ?) in the file-name part, which Windows shells do not expand.

#include <string>
#include <string_view>
#include <vector>

namespace cipolicy::cli {

// Whether file name `name` matches `pattern` (* any run, ? any one byte); linear in time.
bool wildcard_match(std::string_view pattern, std::string_view name);

// Throws Error(input) when a list file is unreadable or a wildcard matches nothing.
std::vector<std::string> expand_inputs(const std::vector<std::string>& args);

}  // namespace cipolicy::cli
