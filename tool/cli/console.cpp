#include "cli/console.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace cipolicy::cli {

void Console::result(std::string_view line) const {
    if (!flags_.quiet && !flags_.json) std::cout << line << '\n';
}

void Console::detail(std::string_view line) const {
    if (flags_.verbose) std::cerr << line << '\n';
}

void Console::warning(std::string_view line, WarningCode code) const {
    if (flags_.quiet) return;
    // Warning codes are numbered apart from exit codes: CIP5nnn.
    auto as_exit = static_cast<ExitCode>(static_cast<int>(code) - 5000);
    std::cerr << format_diagnostic(flags_.diagnostics, Severity::warning, as_exit, line) << '\n';
}

void Console::error(std::string_view line, ExitCode code) const {
    std::cerr << format_diagnostic(flags_.diagnostics, Severity::error, code, line) << '\n';
}

void Console::json(const nlohmann::json& value) const {
    if (flags_.json) std::cout << value.dump(2) << '\n';
}

}  // namespace cipolicy::cli
