#include "cli/depfile.hpp"

#include <algorithm>
#include <cctype>

#include "config/setting_table.hpp"
#include "core/error.hpp"
#include "core/quote.hpp"

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

// More entries than any run's dependencies: the folder is not walked without end.
constexpr std::size_t kMaxLinks = 100000;

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

bool is_number(const std::string& name) {
    return !name.empty() && name.size() <= 9 &&
           std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isdigit(c); });
}

// The folder of links may be replaced only when it is the tool's: absent, or a real folder (not a
// link to one) holding nothing but links named by number. A user's folder of the same name, or a
// link planted there, would otherwise lose its links and numbered files.
void check_links_dir(const fs::path& dir) {
    std::error_code ec;
    const auto status = fs::symlink_status(dir, ec);
    if (ec || !fs::exists(status)) return;
    const auto refuse = [&](const std::string& why) {
        throw Error(ExitCode::usage, "--depfile: " + quote(dir.string()) + " " + why +
                                         ", so it is not the folder of links cipolicy keeps "
                                         "beside the depfile; move it away or choose another "
                                         "--depfile");
    };
    if (!fs::is_directory(status)) refuse("is a link or not a folder");
    std::size_t seen = 0;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (!entry.is_symlink(ec) || !is_number(name)) refuse("holds " + quote(name));
        if (++seen > kMaxLinks) refuse("holds more links than any depfile lists");
    }
    if (ec) refuse("cannot be read (" + ec.message() + ")");
}

// The links of a previous run are replaced (check_links_dir has made sure they are all there is).
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
    if (links_dir) {
        check_links_dir(*links_dir);
        clear_links(*links_dir);
    }
    for (std::size_t i = 0; i < targets.size(); ++i)
        text += (i ? " " : "") + escaped(full(targets[i]).string());
    text += ":";
    for (std::size_t i = 0; i < dependencies.size(); ++i)
        text += " " + escaped(nameable(full(dependencies[i]), i, links_dir).string());
    return text + "\n";
}

}  // namespace cipolicy::cli
