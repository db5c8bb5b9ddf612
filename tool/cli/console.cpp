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

void Console::warning(std::string_view line) const {
    if (!flags_.quiet) std::cerr << "cipolicy: warning: " << line << '\n';
}

void Console::error(std::string_view line) const { std::cerr << "cipolicy: error: " << line << '\n'; }

void Console::json(const nlohmann::json& value) const {
    if (flags_.json) std::cout << value.dump(2) << '\n';
}

}  // namespace cipolicy::cli
