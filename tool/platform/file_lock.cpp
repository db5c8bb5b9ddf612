#include "platform/file_lock.hpp"

#include <thread>

#ifdef _WIN32
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#endif

namespace cipolicy::platform {

namespace {
// Short enough that a waiting run starts soon after the first one is done, long enough not to
// spin; the lock is held for one HTTP exchange.
constexpr std::chrono::milliseconds kPoll{20};
}  // namespace

#ifdef _WIN32

std::optional<FileLock> FileLock::acquire(const std::filesystem::path& path,
                                          std::chrono::steady_clock::time_point deadline) {
    HANDLE h =
        CreateFileW(path.c_str(), GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                    nullptr, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) return std::nullopt;
    FileLock lock(reinterpret_cast<std::intptr_t>(h));
    for (;;) {
        OVERLAPPED at{};
        if (LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &at))
            return lock;
        if (GetLastError() != ERROR_LOCK_VIOLATION || std::chrono::steady_clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(kPoll);
    }
}

FileLock::~FileLock() {
    // Closing the handle releases the lock.
    if (handle_ != -1) CloseHandle(reinterpret_cast<HANDLE>(handle_));
}

#else

std::optional<FileLock> FileLock::acquire(const std::filesystem::path& path,
                                          std::chrono::steady_clock::time_point deadline) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return std::nullopt;
    FileLock lock(fd);
    for (;;) {
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return lock;
        if ((errno != EWOULDBLOCK && errno != EINTR) ||
            std::chrono::steady_clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(kPoll);
    }
}

FileLock::~FileLock() {
    // Closing the descriptor releases the lock.
    if (handle_ != -1) ::close(static_cast<int>(handle_));
}

#endif

}  // namespace cipolicy::platform
