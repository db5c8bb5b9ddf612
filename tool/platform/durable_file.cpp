#include "platform/durable_file.hpp"

#include <system_error>

#ifdef _WIN32
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#endif

namespace cipolicy::platform {
namespace fs = std::filesystem;

namespace {
// The handle of a closed (or never opened) file: -1 is neither a valid fd nor a valid HANDLE.
constexpr std::intptr_t kClosed = -1;
#ifdef _WIN32
HANDLE as_handle(std::intptr_t h) {
    return reinterpret_cast<HANDLE>(h);
}
[[noreturn]] void fail(const char* what) {
    throw std::system_error(static_cast<int>(GetLastError()), std::system_category(), what);
}
#else
[[noreturn]] void fail(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
}
#endif
}  // namespace

#ifdef _WIN32

ExclusiveFile::ExclusiveFile(fs::path path) : path_(std::move(path)), handle_(kClosed) {
    // CREATE_NEW fails on anything already there, a link included.
    HANDLE h = CreateFileW(path_.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW,
                           FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) fail("cannot create");
    handle_ = reinterpret_cast<std::intptr_t>(h);
}

ExclusiveFile::~ExclusiveFile() {
    if (handle_ != kClosed) CloseHandle(as_handle(handle_));
    if (owned_) DeleteFileW(path_.c_str());
}

void ExclusiveFile::write(const unsigned char* data, std::size_t size) {
    while (size > 0) {
        DWORD chunk = size > 0x40000000 ? 0x40000000 : static_cast<DWORD>(size), done = 0;
        if (!WriteFile(as_handle(handle_), data, chunk, &done, nullptr)) fail("write failed");
        data += done;
        size -= done;
    }
}

void ExclusiveFile::finish(const fs::path&) {
    // Windows files carry no mode bits to keep; ACLs come from the folder as for any new file.
    if (!FlushFileBuffers(as_handle(handle_))) fail("cannot flush to disk");
    HANDLE h = as_handle(handle_);
    handle_ = kClosed;
    if (!CloseHandle(h)) fail("cannot close");
}

void replace_file(const fs::path& from, const fs::path& to) {
    // rename() over an existing file fails on Windows; MoveFileExW replaces it in one step.
    if (!MoveFileExW(from.c_str(), to.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        fail("cannot replace");
}

#else

ExclusiveFile::ExclusiveFile(fs::path path) : path_(std::move(path)), handle_(kClosed) {
    // O_EXCL with O_CREAT never opens an existing file and never follows a link at the path.
    int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) fail("cannot create");
    handle_ = fd;
}

ExclusiveFile::~ExclusiveFile() {
    if (handle_ != kClosed) ::close(static_cast<int>(handle_));
    if (owned_) ::unlink(path_.c_str());
}

void ExclusiveFile::write(const unsigned char* data, std::size_t size) {
    while (size > 0) {
        ssize_t n = ::write(static_cast<int>(handle_), data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("write failed");
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
}

void ExclusiveFile::finish(const fs::path& model) {
    int fd = static_cast<int>(handle_);
    struct stat st;
    // lstat: a link at the destination is replaced by this file, and lends it no mode; only
    // permission bits are kept, never set-user-ID, set-group-ID or sticky.
    if (::lstat(model.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::fchmod(fd, st.st_mode & 0777) != 0)
        fail("cannot set the mode of the replaced file");
    if (::fsync(fd) != 0) fail("cannot flush to disk");
    handle_ = kClosed;
    if (::close(fd) != 0) fail("cannot close");
}

void replace_file(const fs::path& from, const fs::path& to) {
    if (::rename(from.c_str(), to.c_str()) != 0) fail("cannot replace");
    // The rename is durable only once the folder's entry is on disk.
    fs::path folder = to.parent_path();
    if (folder.empty()) folder = ".";
    int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return;  // the file is in place; a folder we cannot open cannot be flushed
    int rc = ::fsync(dir);
    int err = errno;
    ::close(dir);
    // EINVAL: a file system that cannot flush folders (nothing more to do there).
    if (rc != 0 && err != EINVAL) {
        errno = err;
        fail("renamed, but cannot flush the folder to disk");
    }
}

#endif

}  // namespace cipolicy::platform
