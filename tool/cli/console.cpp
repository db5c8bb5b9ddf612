#include "cli/console.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

#include "core/quote.hpp"

namespace cipolicy::cli {

void Console::result(std::string_view line) const {
    // Result lines carry certificate subjects and file names: escaped and cut short as on stderr,
    // so that a CN with a newline or ESC cannot forge lines or colours.
    if (!flags_.quiet && !flags_.json) std::cout << one_line(line) << '\n';
}

void Console::detail(std::string_view line) const {
    if (flags_.verbose) std::cerr << one_line(line) << '\n';
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
    // JSON escapes control characters itself; bytes that are not UTF-8 become U+FFFD rather than
    // an exception.
    if (flags_.json)
        std::cout << value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace cipolicy::cli
