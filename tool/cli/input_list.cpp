#include "cli/input_list.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "core/bounded_read.hpp"
#include "core/error.hpp"

namespace cipolicy::cli {
namespace fs = std::filesystem;

static bool wildcard_match(std::string_view pattern, std::string_view name) {
    if (pattern.empty()) return name.empty();
    if (pattern[0] == '*')
        return wildcard_match(pattern.substr(1), name) ||
               (!name.empty() && wildcard_match(pattern, name.substr(1)));
    if (name.empty()) return false;
    if (pattern[0] == '?' || pattern[0] == name[0])
        return wildcard_match(pattern.substr(1), name.substr(1));
    return false;
}

static void expand_one(const std::string& arg, std::vector<std::string>& out) {
    fs::path p(arg);
    std::string pattern = p.filename().string();
    if (pattern.find_first_of("*?") == std::string::npos) {
        out.push_back(arg);
        return;
    }
    fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    std::vector<std::string> matches;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_regular_file() && wildcard_match(pattern, entry.path().filename().string()))
            matches.push_back(
                (p.has_parent_path() ? entry.path() : entry.path().filename()).string());
    if (matches.empty()) throw Error(ExitCode::input, arg + ": no file matches");
    std::sort(matches.begin(), matches.end());
    out.insert(out.end(), matches.begin(), matches.end());
}

std::vector<std::string> expand_inputs(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    for (const auto& arg : args) {
        if (arg.size() > 1 && arg[0] == '@') {
            fs::path list(arg.substr(1));
            std::istringstream lines(read_bounded_text(list, kMaxConfigBytes, "list of files"));
            std::string line;
            while (std::getline(lines, line)) {
                while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
                    line.pop_back();
                if (line.empty() || line[0] == '#') continue;
                fs::path entry(line);
                // Relative entries are relative to the list file, like response files.
                if (entry.is_relative() && list.has_parent_path())
                    entry = list.parent_path() / entry;
                expand_one(entry.string(), out);
            }
        } else {
            expand_one(arg, out);
        }
    }
    return out;
}

}  // namespace cipolicy::cli
