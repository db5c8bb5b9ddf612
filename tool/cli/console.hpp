#pragma once
// Where a command's words go: results on stdout, diagnostics on stderr, shaped by
// --quiet / --verbose / --json.

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "cli/diagnostics.hpp"
#include "core/error.hpp"

namespace cipolicy::cli {

struct ConsoleFlags {
    bool quiet = false;
    bool verbose = false;
    bool json = false;
    DiagnosticFormat diagnostics = DiagnosticFormat::plain;
};

class Console {
  public:
    explicit Console(ConsoleFlags flags) : flags_(flags) {}
    const ConsoleFlags& flags() const { return flags_; }

    // A result line for people (stdout); silent with --quiet or --json. Like every line this
    // class prints, escaped (one_line): untrusted text in it cannot end the line.
    void result(std::string_view line) const;
    // Progress and details (stderr), only with --verbose.
    void detail(std::string_view line) const;
    // A warning on stderr unless --quiet.
    void warning(std::string_view line, WarningCode code = WarningCode::general) const;
    // An error on stderr, always.
    void error(std::string_view line, ExitCode code) const;
    // The machine-readable result (stdout), only with --json.
    void json(const nlohmann::json& value) const;

  private:
    ConsoleFlags flags_;
};

}  // namespace cipolicy::cli
