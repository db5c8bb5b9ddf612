#pragma once
// Checking many files: each read once (tool/pe hashes it in one pass) on a few threads, against
// the one index the Checker built.

#include <optional>
#include <string>
#include <vector>

#include "check/checker.hpp"
#include "core/error.hpp"

namespace cipolicy::check {

struct FileResult {
    std::string path;
    std::optional<Decision> decision;  // absent when the file could not be read as a PE file
    std::string error;                 // one line naming the file, when it could not
    ExitCode error_code = ExitCode::ok;
};

// Results in the order of `paths`. `jobs` 0 picks the number of cores.
std::vector<FileResult> check_files(const Checker& checker, const std::vector<std::string>& paths,
                                    unsigned jobs = 0);

}  // namespace cipolicy::check
