#include "cli/depfile.hpp"

#include <cctype>

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

std::optional<DepfileGrammar> depfile_grammar(std::string_view name) {
    if (name == "make") return DepfileGrammar::make;
    if (name == "ninja") return DepfileGrammar::ninja;
    if (name == "lines") return DepfileGrammar::lines;
    return std::nullopt;
}

namespace {

// Characters every consumer reads in a name (space, '#' and '$' through the escapes below).
bool safe_in_name(unsigned char c) {
    return std::isalnum(c) || c >= 0x80 ||
           std::string_view(" #$_./+,-~@{}\\").find(static_cast<char>(c)) != std::string_view::npos;
}

bool safe_name(const std::string& name) {
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (c == ':' && i == 1) continue;  // a Windows drive letter
        if (!safe_in_name(c)) return false;
    }
    return true;
}

std::string escaped(const std::string& name) {
    std::string out;
    for (char c : name) {
        if (c == ' ' || c == '#') out.push_back('\\');
        if (c == '$') out.push_back('$');
        out.push_back(c);
    }
    return out;
}

// The links of a previous run are replaced; anything else in the folder is left alone.
void clear_links(const fs::path& dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_symlink(ec)) fs::remove(entry.path(), ec);
}

// `full` itself, or a link to it in links_dir with a name every consumer reads.
fs::path nameable(const fs::path& full, std::size_t index,
                  const std::optional<fs::path>& links_dir) {
    if (!links_dir || safe_name(full.string())) return full;
    const fs::path link = fs::absolute(*links_dir).lexically_normal() / std::to_string(index);
    if (!safe_name(link.string())) return full;
    std::error_code ec;
    fs::create_directories(*links_dir, ec);
    fs::remove(link, ec);
    fs::create_symlink(full, link, ec);
    return ec ? full : link;
}

}  // namespace

std::string depfile_text(const std::vector<fs::path>& targets,
                         const std::vector<fs::path>& dependencies, DepfileGrammar grammar,
                         const std::optional<fs::path>& links_dir) {
    auto full = [](const fs::path& p) { return fs::absolute(p).lexically_normal(); };
    std::string text;
    if (grammar == DepfileGrammar::lines) {
        for (const auto& t : targets) text += full(t).string() + "\n";
        for (const auto& d : dependencies) text += full(d).string() + "\n";
        return text;
    }
    if (links_dir) clear_links(*links_dir);
    for (std::size_t i = 0; i < targets.size(); ++i)
        text += (i ? " " : "") + escaped(full(targets[i]).string());
    text += ":";
    for (std::size_t i = 0; i < dependencies.size(); ++i)
        text += " " + escaped(nameable(full(dependencies[i]), i, links_dir).string());
    return text + "\n";
}

}  // namespace cipolicy::cli
