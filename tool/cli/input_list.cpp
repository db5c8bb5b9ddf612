#include "cli/input_list.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "core/bounded_read.hpp"
#include "core/error.hpp"

namespace cipolicy::cli {
namespace fs = std::filesystem;

bool wildcard_match(std::string_view pattern, std::string_view name) {
    // Greedy with one backtrack point (the last '*'): at most pattern x name steps, never the
    // exponential recursion a hostile name and '*a*a*a*b' would cost. '?' is one byte.
    std::size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
    while (n < name.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = n;
        } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
            ++p;
            ++n;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            n = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
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
