#include "platform/owner_only_file.hpp"

#ifdef _WIN32
#include <windows.h>
// windows.h first: sddl.h needs its types.
#include <sddl.h>
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#endif

namespace cipolicy::platform {
namespace fs = std::filesystem;

namespace {
fs::path temporary_beside(const fs::path& path) {
    return fs::path(path).concat(".tmp");
}
}  // namespace

#ifdef _WIN32

namespace {
// Protected (no inherited entries), full control for the file's owner only.
struct OwnerOnly {
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    SECURITY_ATTRIBUTES attributes{sizeof(SECURITY_ATTRIBUTES), nullptr, FALSE};
    OwnerOnly() {
        if (ConvertStringSecurityDescriptorToSecurityDescriptorW(
                L"D:P(A;;FA;;;OW)", SDDL_REVISION_1, &descriptor, nullptr))
            attributes.lpSecurityDescriptor = descriptor;
    }
    ~OwnerOnly() {
        if (descriptor) LocalFree(descriptor);
    }
    bool ok() const { return descriptor != nullptr; }
};
}  // namespace

bool prepare_owner_only_dir(const fs::path& dir) {
    std::error_code ec;
    if (fs::is_directory(dir, ec)) return !fs::is_symlink(dir, ec);
    if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
    OwnerOnly acl;
    return acl.ok() && CreateDirectoryW(dir.c_str(), &acl.attributes);
}

std::optional<std::string> read_owner_only_file(const fs::path& path, std::size_t max_size) {
    // FILE_FLAG_OPEN_REPARSE_POINT: a link is opened as itself, then refused below.
    HANDLE h = CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
    if (h == INVALID_HANDLE_VALUE) return std::nullopt;
    std::optional<std::string> out;
    BY_HANDLE_FILE_INFORMATION info{};
    if (GetFileInformationByHandle(h, &info) &&
        !(info.dwFileAttributes & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY)) &&
        info.nFileSizeHigh == 0 && info.nFileSizeLow <= max_size) {
        std::string data(info.nFileSizeLow, '\0');
        DWORD done = 0;
        if (ReadFile(h, data.data(), info.nFileSizeLow, &done, nullptr) &&
            done == info.nFileSizeLow)
            out = std::move(data);
    }
    CloseHandle(h);
    return out;
}

bool write_owner_only_file(const fs::path& path, const std::string& content) {
    OwnerOnly acl;
    if (!acl.ok()) return false;
    fs::path tmp = temporary_beside(path);
    DeleteFileW(tmp.c_str());  // a leftover of a run that died; we hold the entry's lock
    HANDLE h = CreateFileW(tmp.c_str(), GENERIC_WRITE, 0, &acl.attributes, CREATE_NEW,
                           FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) return false;
    DWORD done = 0;
    bool ok = WriteFile(h, content.data(), static_cast<DWORD>(content.size()), &done, nullptr) &&
              done == content.size();
    ok = CloseHandle(h) && ok;
    if (ok) ok = MoveFileExW(tmp.c_str(), path.c_str(), MOVEFILE_REPLACE_EXISTING);
    if (!ok) DeleteFileW(tmp.c_str());
    return ok;
}

bool remove_owner_only_file(const fs::path& path) {
    // Wine maps the owner-only DACL to Unix mode 0 and so reports the file read-only, which
    // DeleteFileW refuses (access denied); the owner may clear the attribute first. Harmless on
    // Windows, where the file is not read-only.
    SetFileAttributesW(path.c_str(), FILE_ATTRIBUTE_NORMAL);
    return DeleteFileW(path.c_str()) != 0;
}

#else

bool prepare_owner_only_dir(const fs::path& dir) {
    std::error_code ec;
    if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return false;
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid())
        return false;
    // Others must not be able to plant or swap entries.
    if (st.st_mode & (S_IWGRP | S_IWOTH)) return false;
    return true;
}

std::optional<std::string> read_owner_only_file(const fs::path& path, std::size_t max_size) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::optional<std::string> out;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
        (st.st_mode & 077) == 0 && static_cast<std::size_t>(st.st_size) <= max_size) {
        std::string data(static_cast<std::size_t>(st.st_size), '\0');
        std::size_t have = 0;
        while (have < data.size()) {
            ssize_t n = ::read(fd, data.data() + have, data.size() - have);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            have += static_cast<std::size_t>(n);
        }
        if (have == data.size()) out = std::move(data);
    }
    ::close(fd);
    return out;
}

bool write_owner_only_file(const fs::path& path, const std::string& content) {
    fs::path tmp = temporary_beside(path);
    ::unlink(tmp.c_str());  // a leftover of a run that died; we hold the entry's lock
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    bool ok = ::fchmod(fd, 0600) == 0;  // whatever the umask
    std::size_t have = 0;
    while (ok && have < content.size()) {
        ssize_t n = ::write(fd, content.data() + have, content.size() - have);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            ok = false;
        else
            have += static_cast<std::size_t>(n);
    }
    ok = ::close(fd) == 0 && ok;
    if (ok) ok = ::rename(tmp.c_str(), path.c_str()) == 0;
    if (!ok) ::unlink(tmp.c_str());
    return ok;
}

bool remove_owner_only_file(const fs::path& path) {
    return ::unlink(path.c_str()) == 0;
}

#endif

}  // namespace cipolicy::platform
