#pragma once
// Writing a file so that it is either wholly there or not there at all, even across a crash or a
// power cut: a policy that fails to load can stop a machine from booting. The calls differ between
// POSIX and Windows; errors come back as std::system_error and the caller says which file it was.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>

namespace cipolicy::platform {

// A new file created exclusively (never an existing file, never through a planted link), written,
// and flushed to stable storage by finish(). Closed (and, unless released, removed) on destruction.
// A private file (a private key) is readable by its owner only: mode 0600 on POSIX, an ACL that
// grants the owner alone on Windows. While it is open, the file is marked as in use (an advisory
// lock on POSIX, no sharing on Windows), so that remove_if_abandoned() leaves it alone.
enum class FileAccess { ordinary, owner_only };

class ExclusiveFile {
  public:
    explicit ExclusiveFile(std::filesystem::path path, FileAccess access = FileAccess::ordinary);
    ~ExclusiveFile();
    ExclusiveFile(const ExclusiveFile&) = delete;
    ExclusiveFile& operator=(const ExclusiveFile&) = delete;

    void write(const unsigned char* data, std::size_t size);
    // Gives the file the permissions of `model` when that exists (a replaced output keeps its
    // mode; an owner-only file stays owner-only), then flushes data and metadata to disk. On
    // POSIX the file stays open (and marked in use) until destruction, so that no other run
    // takes it for abandoned before it is renamed into place.
    void finish(const std::filesystem::path& model);
    // The file is the caller's now: destruction no longer removes it.
    void release() { owned_ = false; }
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
    std::intptr_t handle_;
    FileAccess access_;
    bool owned_ = true;
};

// What is at a path, without following a link there.
enum class PathKind { absent, regular, directory, symlink, special };  // special: device, FIFO...
PathKind path_kind(const std::filesystem::path& path);

// A file's identity (device and file number), following links; nullopt when there is no such
// file. Two spellings, a link and a hard link of one file have the same identity.
struct FileId {
    std::uint64_t device = 0, index = 0;
    bool operator==(const FileId&) const = default;
};
std::optional<FileId> file_id(const std::filesystem::path& path);

// Whether `path` names this process's standard output (/dev/stdout, /proc/self/fd/1, the
// terminal or pipe it is, CONOUT$ on Windows).
bool is_standard_output(const std::filesystem::path& path);

// Removes `path` when it is a file this user left behind in a run that was killed (an
// ExclusiveFile no process holds open any more). True when it was removed.
bool remove_if_abandoned(const std::filesystem::path& path);

// Moves `from` over `to` in one step (replacing an existing `to`) and makes the rename itself
// durable (the folder is flushed on POSIX; MOVEFILE_WRITE_THROUGH on Windows).
void replace_file(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace cipolicy::platform
