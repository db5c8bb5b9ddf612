#include "cli/depfile.hpp"

#include "config/setting_table.hpp"

namespace cipolicy::cli {
namespace fs = std::filesystem;

std::vector<fs::path> files_read_by(const config::Settings& s,
                                    const std::optional<fs::path>& config) {
    std::vector<fs::path> files;
    if (config) files.push_back(*config);
    for (auto& f : config::files_named_by(s)) files.push_back(std::move(f));
    return files;
}

namespace {

std::string escaped(const fs::path& p) {
    std::string out;
    for (char c : fs::absolute(p).lexically_normal().string()) {
        if (c == ' ' || c == '#') out.push_back('\\');
        if (c == '$') out.push_back('$');
        out.push_back(c);
    }
    return out;
}

}  // namespace

std::string depfile_text(const std::vector<fs::path>& targets,
                         const std::vector<fs::path>& dependencies) {
    std::string text;
    for (std::size_t i = 0; i < targets.size(); ++i) text += (i ? " " : "") + escaped(targets[i]);
    text += ":";
    for (const auto& d : dependencies) text += " " + escaped(d);
    return text + "\n";
}

}  // namespace cipolicy::cli
