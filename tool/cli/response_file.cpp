#include "cli/response_file.hpp"

#include <filesystem>

#include "core/bounded_read.hpp"
#include "core/error.hpp"

namespace cipolicy::cli {

Args expand_response_file(const Args& args) {
    if (args.empty() || args[0].size() < 2 || args[0][0] != '@') return args;
    const std::filesystem::path file(args[0].substr(1));
    const std::string text = read_bounded_text(file, kMaxConfigBytes, "response file");
    Args out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) out.push_back(std::move(line));
        start = end + 1;
    }
    // Verbatim means no second level: "@x" inside is an argument (a sign @listfile), but a
    // response file that starts with one would otherwise look like it names the command.
    if (out.empty() || out[0][0] == '@')
        throw Error(ExitCode::usage, file.string() +
                                         ": a response file starts with the command name "
                                         "(sign, compile, verify, ...), one argument per line");
    out.insert(out.end(), args.begin() + 1, args.end());
    return out;
}

}  // namespace cipolicy::cli
