#pragma once
// Small files only their owner can read, for state that must not leak to other accounts (an access
// token shared by the runs of one build): mode 0600 in a 0700 folder on POSIX, a protected DACL
// that grants the owner alone on Windows.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace cipolicy::platform {

// Creates `dir` (and its parents) when absent and makes the last component owner-only. Returns
// false when it cannot, or when an existing `dir` belongs to someone else or others may write it.
bool prepare_owner_only_dir(const std::filesystem::path& dir);

// The content of `path` when it is a regular file (not a link) of at most `max_size` bytes, owned
// by this user and not readable or writable by anyone else; nothing otherwise.
std::optional<std::string> read_owner_only_file(const std::filesystem::path& path,
                                                std::size_t max_size);

// Writes `content` to `path` through an owner-only temporary file beside it and a rename, so a
// reader sees the old or the new file whole. Returns false when any step fails.
bool write_owner_only_file(const std::filesystem::path& path, const std::string& content);

// Removes the file at `path` (not a link's target). Returns false when it is still there.
bool remove_owner_only_file(const std::filesystem::path& path);

}  // namespace cipolicy::platform
