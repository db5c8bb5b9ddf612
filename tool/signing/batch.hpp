#pragma once
// One step over many input files, the way sign and timestamp run: up to `jobs` files at once,
// every failure named after its file, the first error kept for the exit code, a typed result per
// file (cli/ turns them into JSON), and by default a stop at the first failure.

#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace cipolicy::signing {

// What became of one input.
struct FileResult {
    enum class Status { signed_file, timestamped, failed };
    std::string input;
    Status status = Status::failed;
    std::string output;                 // signed_file, timestamped
    std::string policy_id;              // signed_file: {GUID}
    std::string time;                   // timestamped: the token's genTime
    std::vector<std::string> warnings;  // signed_file
    std::optional<Error> error;         // failed
};

struct BatchOptions {
    std::size_t jobs = 1;  // files worked on at once
    bool continue_on_error = false;
};

// How a batch speaks. Each is called with the batch's lock held, so output is never interleaved.
struct BatchReport {
    std::function<void(const std::string&)> detail;
    std::function<void(const Warning&)> warning;
    // After each success, with its result and the number of files finished so far.
    std::function<void(const FileResult& result, std::size_t finished)> succeeded;
    std::function<void(const Error&)> failed;
};

// Works on one input (on up to `jobs` threads at once) and returns its result (the batch fills in
// `input`); locks `serial` around what must happen one file at a time (naming, writing).
using BatchStep = std::function<FileResult(const std::string& input, std::mutex& serial)>;

struct BatchResult {
    std::size_t done = 0, failed = 0;
    std::optional<Error> first_error;
    std::vector<FileResult> entries;  // in input order; files never started are left out
    // 0 when all succeeded, ExitCode::partial when some did, else the first error's code.
    int exit_code() const;
};

BatchResult run_batch(const std::vector<std::string>& inputs, const BatchOptions& options,
                      const BatchStep& step, const BatchReport& report);

// `message` as a per-file line: starting with `file` (prefixed with "file: " unless it already
// names it first), so that every line of a batch says which file it is about.
std::string about_file(const std::string& file, const std::string& message);

}  // namespace cipolicy::signing
