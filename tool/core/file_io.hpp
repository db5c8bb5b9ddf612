#pragma once
// Reading inputs and writing outputs safely: an output appears under its final name only after the
// caller has checked it, and replaces an existing file atomically.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace cipolicy {
namespace platform {
class ExclusiveFile;
}

// Who may read an output: as the file it replaces (or the folder's default), or its owner only
// (private keys: 0600 on POSIX, an owner-only ACL on Windows).
enum class OutputAccess { ordinary, private_key };

// Reads a whole file. Throws Error(input) naming the path when it is missing or unreadable.
Bytes read_file(const std::filesystem::path& path);

// Reads a small text file (a password or token file; at most kMaxConfigBytes), without a
// trailing newline.
std::string read_text_file(const std::filesystem::path& path);

// A file being written: the bytes go to a temporary file beside `destination`
// ("<destination>.XXXXXX.tmp"), created exclusively and flushed to disk; commit() renames it over
// the destination in one step (keeping a replaced file's mode) and flushes the folder. Destroying
// an uncommitted PendingFile removes the temporary file, so a failure at any point leaves no
// partial output; a temporary file of the same destination left by a killed run (one no process
// holds any more) is removed when the next PendingFile of that destination is created.
// An output replaces only a regular file: a device, FIFO, socket, folder or symbolic link at the
// destination is refused (Error(output)), never renamed over.
class PendingFile {
  public:
    PendingFile(std::filesystem::path destination, ByteView contents,
                OutputAccess access = OutputAccess::ordinary);
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
void write_file_atomically(const std::filesystem::path& destination, ByteView contents,
                           OutputAccess access = OutputAccess::ordinary);

// Throws Error(output) naming `destination` unless it is absent or a regular file: what an
// output may replace.
void check_replaceable(const std::filesystem::path& destination);

// Whether `name` is a temporary file name PendingFile uses for `destination_name` (both file
// names, without folders): "<destination_name>.XXXXXX.tmp", six hexadecimal digits.
bool is_temporary_name_of(std::string_view name, std::string_view destination_name);

}  // namespace cipolicy
