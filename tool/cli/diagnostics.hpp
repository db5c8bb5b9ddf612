#pragma once
// How errors and warnings are written: plain ("cipolicy: error: ...") or MSBuild's canonical
// format ("origin : error CIP1003: ..."), which puts them in Visual Studio's Error List.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace cipolicy::cli {

enum class DiagnosticFormat { plain, msbuild };
enum class Severity { error, warning };

// The format `--diagnostics plain|msbuild` (anywhere in args) or $CIPOLICY_DIAGNOSTICS selects.
DiagnosticFormat diagnostic_format(const std::vector<std::string>& args);

// Stable codes (docs/diagnostics.md): errors CIP1000 + exit code, warnings CIP5001...
std::string diagnostic_code(Severity severity, ExitCode code);

// One line. In MSBuild format a message that starts with "<existing file>[(line,col)]: " is
// attributed to that file; anything else to "cipolicy".
std::string format_diagnostic(DiagnosticFormat format, Severity severity, ExitCode code,
                              std::string_view message);

}  // namespace cipolicy::cli
