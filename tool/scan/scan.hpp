#pragma once
// `scan`: files and folders in, rules out. Every file is read once (recognised as PE by its
// content, never its extension), hashed in one pass, on several threads; the rules do not depend
// on the order files are found in.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "pe/pe_file.hpp"
#include "scan/level.hpp"
#include "scan/rule_set.hpp"

namespace cipolicy::scan {

inline constexpr std::size_t kMaxScanFiles = 200000;  // files looked at in one scan

struct ScanOptions {
    Level level = Level::hash;
    std::vector<Level> fallback{Level::hash};
    unsigned threads = 0;  // 0: the machine's cores, at most 8
};

enum class FileStatus { ruled, not_covered, damaged, not_pe };

struct ScannedFile {
    std::string path;  // as found (the argument, or below a folder argument)
    FileStatus status = FileStatus::not_pe;
    std::string level;   // the level that described it (Microsoft's spelling)
    std::string reason;  // damaged / not covered: one line
    pe::Mode mode = pe::Mode::user;
};

struct ScanReport {
    RuleSet rules;
    std::vector<ScannedFile> files;  // PE files (ruled, not covered, damaged), sorted by path
    std::size_t other_files = 0;     // not PE: counted and skipped
};

// Throws Error(input) when a path does not exist or a folder holds more than kMaxScanFiles files.
// A damaged PE is a ScannedFile with status damaged, never an exception.
ScanReport scan_paths(const std::vector<std::filesystem::path>& paths, const ScanOptions& options);

}  // namespace cipolicy::scan
