#pragma once
// Reading inputs and writing outputs safely: an output appears under its final name only after the
// caller has checked it, and replaces an existing file atomically.

#include <filesystem>
#include <memory>
#include <string>

#include "core/bytes.hpp"

namespace cipolicy {
namespace platform {
class ExclusiveFile;
}

// Reads a whole file. Throws Error(input) naming the path when it is missing or unreadable.
Bytes read_file(const std::filesystem::path& path);

// Reads a small text file (a password or token file; at most kMaxConfigBytes), without a
// trailing newline.
std::string read_text_file(const std::filesystem::path& path);

// A file being written: the bytes go to a temporary file beside `destination`, created exclusively
// and flushed to disk; commit() renames it over the destination in one step (keeping a replaced
// file's mode) and flushes the folder. Destroying an uncommitted PendingFile removes the temporary
// file, so a failure at any point leaves no partial output.
class PendingFile {
  public:
    PendingFile(std::filesystem::path destination, ByteView contents);
    ~PendingFile();
    PendingFile(const PendingFile&) = delete;
    PendingFile& operator=(const PendingFile&) = delete;

    const std::filesystem::path& temp_path() const;
    const std::filesystem::path& destination() const { return destination_; }
    void commit();

  private:
    std::filesystem::path destination_;
    std::unique_ptr<platform::ExclusiveFile> file_;
};

// Writes `contents` to `destination` through a PendingFile, committing at once.
void write_file_atomically(const std::filesystem::path& destination, ByteView contents);

}  // namespace cipolicy
