#include "cli/diagnostics.hpp"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "core/quote.hpp"

namespace cipolicy::cli {

namespace {

struct Location {
    std::string path, position;  // "C:\\p.xml", "(12,5)" or ""
    std::size_t text_at;         // where the message proper starts
};

// The first "(digits,digits): " or ": " after at least one character.
std::optional<Location> split_location(const std::string& m) {
    auto digits = [&](std::size_t at) {
        std::size_t end = at;
        while (end < m.size() && std::isdigit(static_cast<unsigned char>(m[end]))) ++end;
        return end;
    };
    for (std::size_t i = 1; i + 1 < m.size(); ++i) {
        if (m[i] == ':' && m[i + 1] == ' ') return Location{m.substr(0, i), "", i + 2};
        if (m[i] != '(') continue;
        const std::size_t comma = digits(i + 1);
        if (comma == i + 1 || comma >= m.size() || m[comma] != ',') continue;
        const std::size_t close = digits(comma + 1);
        if (close == comma + 1 || m.compare(close, 3, "): ") != 0) continue;
        return Location{m.substr(0, i), m.substr(i, close + 1 - i), close + 3};
    }
    return std::nullopt;
}

}  // namespace

DiagnosticFormat diagnostic_format(const std::vector<std::string>& args) {
    std::string value;
    if (const char* env = std::getenv("CIPOLICY_DIAGNOSTICS")) value = env;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--diagnostics" && i + 1 < args.size()) value = args[i + 1];
        if (args[i].rfind("--diagnostics=", 0) == 0) value = args[i].substr(14);
    }
    return value == "msbuild" ? DiagnosticFormat::msbuild : DiagnosticFormat::plain;
}

std::string diagnostic_code(Severity severity, ExitCode code) {
    char buf[16];
    int number =
        severity == Severity::error ? 1000 + static_cast<int>(code) : 5000 + static_cast<int>(code);
    std::snprintf(buf, sizeof buf, "CIP%04d", number);
    return buf;
}

std::string format_diagnostic(DiagnosticFormat format, Severity severity, ExitCode code,
                              std::string_view raw_message) {
    // Whatever a message carries (a path with a newline, text a lower layer did not quote),
    // it stays one line: MSBuild parses every line, and a forged "error:" line must not appear.
    const std::string message = one_line(raw_message);
    const char* word = severity == Severity::error ? "error" : "warning";
    if (format == DiagnosticFormat::plain) return std::string("cipolicy: ") + word + ": " + message;

    // "path(12,5): text" or "path: text" where path is a file that exists. Scanned by hand:
    // std::regex recurses per character and overflows the stack on long messages.
    std::string text = message;
    std::string origin = "cipolicy";
    if (auto located = split_location(message)) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(located->path, ec)) {
            origin = located->path + located->position;
            text = message.substr(located->text_at);
        }
    }
    return origin + " : " + word + " " + diagnostic_code(severity, code) + ": " + text;
}

}  // namespace cipolicy::cli
