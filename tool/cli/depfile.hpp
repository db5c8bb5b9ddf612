#pragma once
// Make-style dependency files (`--depfile`): which files a signing run read, so that Ninja, Make
// (CMake DEPFILE) and CIPolicy.Build re-sign when a certificate, key, PFX, chain or password file
// named in the configuration changes, not only when the configuration file itself does.

#include <filesystem>
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace cipolicy::cli {

// The files a run with `settings` reads besides its inputs: the configuration file (if any) and
// every key, certificate, chain, PFX, password and metadata file the settings name.
std::vector<std::filesystem::path> files_read_by(
    const config::Settings& settings, const std::optional<std::filesystem::path>& config);

// "target...: dep dep...\n" on one line (MSBuild reads it too), absolute paths, spaces, '#' and
// '$' escaped as Ninja and Make read them.
std::string depfile_text(const std::vector<std::filesystem::path>& targets,
                         const std::vector<std::filesystem::path>& dependencies);

}  // namespace cipolicy::cli
