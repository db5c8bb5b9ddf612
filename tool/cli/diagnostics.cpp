#include "cli/diagnostics.hpp"

#include <cstdlib>
#include <filesystem>
#include <regex>

namespace cipolicy::cli {

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
                              std::string_view message) {
    const char* word = severity == Severity::error ? "error" : "warning";
    if (format == DiagnosticFormat::plain)
        return std::string("cipolicy: ") + word + ": " + std::string(message);

    // "path(12,5): text" or "path: text" where path is a file that exists.
    static const std::regex located(R"(^(.+?)(\((\d+),(\d+)\))?: (.*)$)");
    std::string text(message);
    std::smatch m;
    std::string origin = "cipolicy";
    if (std::regex_match(text, m, located)) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(m[1].str(), ec)) {
            origin = m[1].str() + m[2].str();
            text = m[5].str();
        }
    }
    return origin + " : " + word + " " + diagnostic_code(severity, code) + ": " + text;
}

}  // namespace cipolicy::cli
