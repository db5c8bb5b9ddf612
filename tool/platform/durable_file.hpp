#pragma once
// Writing a file so that it is either wholly there or not there at all, even across a crash or a
// power cut: a policy that fails to load can stop a machine from booting. The calls differ between
// POSIX and Windows; errors come back as std::system_error and the caller says which file it was.

#include <cstddef>
#include <cstdint>
#include <filesystem>

namespace cipolicy::platform {

// A new file created exclusively (never an existing file, never through a planted link), written,
// and flushed to stable storage by finish(). Closed (and, unless released, removed) on destruction.
class ExclusiveFile {
  public:
    explicit ExclusiveFile(std::filesystem::path path);
    ~ExclusiveFile();
    ExclusiveFile(const ExclusiveFile&) = delete;
    ExclusiveFile& operator=(const ExclusiveFile&) = delete;

    void write(const unsigned char* data, std::size_t size);
    // Gives the file the permissions of `model` when that exists (a replaced output keeps its
    // mode), then flushes data and metadata to disk and closes the file.
    void finish(const std::filesystem::path& model);
    // The file is the caller's now: destruction no longer removes it.
    void release() { owned_ = false; }
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
    std::intptr_t handle_;
    bool owned_ = true;
};

// Moves `from` over `to` in one step (replacing an existing `to`) and makes the rename itself
// durable (the folder is flushed on POSIX; MOVEFILE_WRITE_THROUGH on Windows).
void replace_file(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace cipolicy::platform
