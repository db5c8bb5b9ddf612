#pragma once
// Running another program (the Azure CLI) without a shell: its arguments are passed as they are,
// never interpreted, and its output is captured.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cipolicy::platform {

struct ProcessResult {
    int exit_code = -1;  // -1 when it did not exit normally
    std::string out, err;
};

// Runs `program` (a full path) with `args`. Empty when it cannot be started.
std::optional<ProcessResult> run_process(const std::filesystem::path& program,
                                         const std::vector<std::string>& args);

// The first of `names` found in a folder of `search_path` (a PATH-style list, ';'-separated on
// Windows), as a full path; empty when none is there. Relative entries (the current folder, where
// anyone may plant a program) are never searched.
std::optional<std::filesystem::path> find_program(const std::vector<std::string>& names,
                                                  const std::string& search_path);

}  // namespace cipolicy::platform
