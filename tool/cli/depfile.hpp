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
    // GNU Make and CMake's depfile reader (which rewrites the file for Ninja and for Make
    // generators): "\ " "\#" "$$".
    make,
    // Ninja's own parser (1.11) reads the same escapes.
    ninja,
    // CIPolicy.Build (ReadLinesFromFile): the targets, then the dependencies, one absolute path per
    // line and nothing escaped.
    lines,
};

// "make", "ninja" or "lines"; nullopt for anything else.
std::optional<DepfileGrammar> depfile_grammar(std::string_view name);

// The dependency file text: `targets` depend on `dependencies` (absolute, normalized paths).
// Make and Ninja cannot name some files at all (Ninja 1.11 ends a name at ' " & ; ` * | < > ^;
// Make, and CMake's rewriting of the file for either, break on ; % ( = : and more): with
// `links_dir`, a dependency whose path holds any character outside a small safe set is named
// through a symbolic link links_dir/<n> to it instead (stat() follows it, so an edit of the
// file is seen). Where no link can be made (a Windows account without the privilege) the path is
// written as it is: the step then re-runs on every build, never skips wrongly.
// links_dir is the tool's own: absent, or a real folder holding only links named by number (what
// an earlier run made). Anything else there is the user's: Error(usage) naming --depfile, and
// nothing in it is touched.
std::string depfile_text(const std::vector<std::filesystem::path>& targets,
                         const std::vector<std::filesystem::path>& dependencies,
                         DepfileGrammar grammar = DepfileGrammar::make,
                         const std::optional<std::filesystem::path>& links_dir = std::nullopt);

}  // namespace cipolicy::cli
