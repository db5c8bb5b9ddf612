#pragma once
// An exclusive lock between processes on one file (flock on POSIX, LockFileEx on Windows): the
// parallel tool runs of one build wait for the first one to fetch what all of them need.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>

namespace cipolicy::platform {

class FileLock {
  public:
    // Creates `path` (owner-only) when absent and locks it, waiting until `deadline` at most.
    // Returns nothing when the lock was not had by then or the file cannot be opened: callers go
    // on without the shared state rather than fail the build.
    static std::optional<FileLock> acquire(const std::filesystem::path& path,
                                           std::chrono::steady_clock::time_point deadline);
    ~FileLock();
    FileLock(FileLock&& other) noexcept : handle_(other.handle_) { other.handle_ = -1; }
    FileLock& operator=(FileLock&&) = delete;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

  private:
    explicit FileLock(std::intptr_t handle) : handle_(handle) {}
    std::intptr_t handle_;  // -1 once moved from
};

}  // namespace cipolicy::platform
