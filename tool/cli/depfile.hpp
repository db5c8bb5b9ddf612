#pragma once
// Dependency files (`sign --depfile`): which files a signing run read, so that Ninja, Make (CMake
// DEPFILE) and CIPolicy.Build re-sign when a certificate, key, PFX, chain or password file named
// in the configuration changes, not only when the configuration file itself does. Each consumer
// reads its own grammar, so the file is written in the one it asks for (--depfile-format).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/settings.hpp"

namespace cipolicy::cli {

// The files a run with `settings` reads besides its inputs: the configuration file (if any) and
// every key, certificate, chain, PFX, password and metadata file the settings name.
std::vector<std::filesystem::path> files_read_by(
    const config::Settings& settings, const std::optional<std::filesystem::path>& config);

enum class DepfileGrammar {
    // GNU Make and CMake's depfile reader (Unix Makefiles): "\ " "\#" "$$".
    make,
    // Ninja's depfile parser, which also needs "\*", "\[", "\|" and ends a name at characters it
    // has no escape for (";", "`", "<", ">", "^", tabs): such a name is written relative to the
    // working directory when that avoids them, else as it is (the step is then always re-run,
    // never skipped wrongly).
    ninja,
    // CIPolicy.Build (ReadLinesFromFile): the targets, an empty line, the dependencies, one
    // absolute path per line and nothing escaped.
    lines,
};

// "make", "ninja" or "lines"; nullopt for anything else.
std::optional<DepfileGrammar> depfile_grammar(std::string_view name);

// The dependency file text: `targets` depend on `dependencies` (absolute, normalized paths).
std::string depfile_text(const std::vector<std::filesystem::path>& targets,
                         const std::vector<std::filesystem::path>& dependencies,
                         DepfileGrammar grammar = DepfileGrammar::make);

}  // namespace cipolicy::cli
