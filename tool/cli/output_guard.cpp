#include "cli/output_guard.hpp"

#include "core/error.hpp"

namespace cipolicy::cli {
namespace fs = std::filesystem;

void refuse_output_onto_input(const fs::path& output, std::initializer_list<fs::path> inputs,
                              const std::string& command, const std::string& flag) {
    for (const auto& input : inputs) {
        if (input.empty()) continue;
        std::error_code ec;
        // equivalent() follows links and sees through "./x" and hard links; a lexical
        // comparison catches an input that does not exist (yet) as a file.
        const bool same = (fs::exists(output, ec) && fs::equivalent(output, input, ec)) ||
                          fs::absolute(output, ec).lexically_normal() ==
                              fs::absolute(input, ec).lexically_normal();
        if (same)
            throw Error(ExitCode::usage, command + ": the output " + output.string() +
                                             " would replace the input " + input.string() +
                                             " (give another " + flag + ")");
    }
}

}  // namespace cipolicy::cli
