#include "cli/depfile.hpp"

namespace cipolicy::cli {
namespace fs = std::filesystem;

std::vector<fs::path> files_read_by(const config::Settings& s,
                                    const std::optional<fs::path>& config) {
    std::vector<fs::path> files;
    auto add = [&](const std::optional<fs::path>& p) {
        if (p) files.push_back(*p);
    };
    add(config);
    add(s.local.cert);
    add(s.local.key);
    add(s.local.chain);
    add(s.local.pfx);
    add(s.local.key_password_file);
    add(s.local.pfx_password_file);
    add(s.trusted_signing.metadata);
    return files;
}

std::optional<DepfileGrammar> depfile_grammar(std::string_view name) {
    if (name == "make") return DepfileGrammar::make;
    if (name == "ninja") return DepfileGrammar::ninja;
    if (name == "lines") return DepfileGrammar::lines;
    return std::nullopt;
}

namespace {

// Characters Ninja's parser ends a name at and has no escape for.
constexpr std::string_view kNinjaUnescapable = ";`<>^\t\r\n";

std::string escaped(const std::string& name, DepfileGrammar grammar) {
    std::string out;
    for (char c : name) {
        if (c == ' ' || c == '#') out.push_back('\\');
        if (grammar == DepfileGrammar::ninja && (c == '*' || c == '[' || c == '|'))
            out.push_back('\\');
        if (c == '$') out.push_back('$');
        out.push_back(c);
    }
    return out;
}

std::string name_for(const fs::path& p, DepfileGrammar grammar) {
    const fs::path full = fs::absolute(p).lexically_normal();
    std::string name = full.string();
    if (grammar == DepfileGrammar::lines) return name;
    if (grammar == DepfileGrammar::ninja &&
        name.find_first_of(kNinjaUnescapable) != std::string::npos) {
        // Ninja runs the step in the build folder: a relative name often leaves out the
        // folder (a user's home, a checkout) that holds the character.
        std::error_code ec;
        const std::string relative = full.lexically_relative(fs::current_path(ec)).string();
        if (!ec && !relative.empty() &&
            relative.find_first_of(kNinjaUnescapable) == std::string::npos)
            name = relative;
    }
    return escaped(name, grammar);
}

}  // namespace

std::string depfile_text(const std::vector<fs::path>& targets,
                         const std::vector<fs::path>& dependencies, DepfileGrammar grammar) {
    std::string text;
    if (grammar == DepfileGrammar::lines) {
        for (const auto& t : targets) text += name_for(t, grammar) + "\n";
        text += "\n";
        for (const auto& d : dependencies) text += name_for(d, grammar) + "\n";
        return text;
    }
    for (std::size_t i = 0; i < targets.size(); ++i)
        text += (i ? " " : "") + name_for(targets[i], grammar);
    text += ":";
    for (const auto& d : dependencies) text += " " + name_for(d, grammar);
    return text + "\n";
}

}  // namespace cipolicy::cli
