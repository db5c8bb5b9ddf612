#pragma once
// The rule levels of `scan`, as New-CIPolicy names them (Microsoft's "select types of rules to
// create"), and what each needs from a file.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cipolicy::scan {

enum class Level {
    hash,
    file_name,
    file_path,
    signed_version,
    publisher,
    file_publisher,
    leaf_certificate,
    pca_certificate,
    root_certificate,  // named so it can be refused with the reason; Windows does not support it
    whql,
    whql_publisher,
    whql_file_publisher,
};

// "FilePublisher", case-insensitive. Throws Error(usage) naming the accepted names otherwise, and
// Error(usage) with Windows' reason for RootCertificate.
Level parse_level(std::string_view name);
// "Hash,FileName" (comma-separated, as --fallback takes it).
std::vector<Level> parse_levels(std::string_view list);
std::string_view level_name(Level level);  // Microsoft's spelling

}  // namespace cipolicy::scan
