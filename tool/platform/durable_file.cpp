#include "platform/durable_file.hpp"

#include <system_error>

#include <algorithm>
#include <cctype>
#include <string>

#ifdef _WIN32
#include <windows.h>

#include <cwctype>
#include <vector>
#else
#include <fcntl.h>
#include <sys/file.h>
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

namespace {
// A protected access list (nothing inherited from the folder) with one entry: full access for the
// user running the tool.
class OwnerOnlyDescriptor {
  public:
    OwnerOnlyDescriptor() {
        HANDLE token = nullptr;
        if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
            fail("cannot read the user's identity");
        DWORD size = 0;
        GetTokenInformation(token, TokenUser, nullptr, 0, &size);
        user_.resize(size);
        const BOOL ok = GetTokenInformation(token, TokenUser, user_.data(), size, &size);
        CloseHandle(token);
        if (!ok) fail("cannot read the user's identity");
        PSID sid = reinterpret_cast<TOKEN_USER*>(user_.data())->User.Sid;
        acl_.resize(sizeof(ACL) + sizeof(ACCESS_ALLOWED_ACE) + GetLengthSid(sid));
        ACL* acl = reinterpret_cast<ACL*>(acl_.data());
        if (!InitializeAcl(acl, static_cast<DWORD>(acl_.size()), ACL_REVISION) ||
            !AddAccessAllowedAce(acl, ACL_REVISION, FILE_ALL_ACCESS, sid) ||
            !InitializeSecurityDescriptor(&descriptor_, SECURITY_DESCRIPTOR_REVISION) ||
            !SetSecurityDescriptorDacl(&descriptor_, TRUE, acl, FALSE) ||
            !SetSecurityDescriptorControl(&descriptor_, SE_DACL_PROTECTED, SE_DACL_PROTECTED))
            fail("cannot build an owner-only access list");
    }
    SECURITY_DESCRIPTOR* get() { return &descriptor_; }

  private:
    std::vector<unsigned char> user_, acl_;  // DWORD-aligned by the allocator
    SECURITY_DESCRIPTOR descriptor_{};
};
}  // namespace

ExclusiveFile::ExclusiveFile(fs::path path, FileAccess access)
    : path_(std::move(path)), handle_(kClosed), access_(access) {
    std::optional<OwnerOnlyDescriptor> owner_only;
    SECURITY_ATTRIBUTES attributes{sizeof(SECURITY_ATTRIBUTES), nullptr, FALSE};
    if (access_ == FileAccess::owner_only) {
        owner_only.emplace();
        attributes.lpSecurityDescriptor = owner_only->get();
    }
    // CREATE_NEW fails on anything already there, a link included. No sharing: while this
    // handle is open no other process can open or delete the file (remove_if_abandoned).
    HANDLE h = CreateFileW(path_.c_str(), GENERIC_WRITE, 0, &attributes, CREATE_NEW,
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
    // Windows files carry no mode bits to keep; ACLs come from the folder as for any new file
    // (or the owner-only one set at creation). The handle is closed here: a file open without
    // sharing cannot be renamed.
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

namespace {
// CON, NUL, COM1... name devices in every folder, with any extension.
bool is_device_name(const fs::path& path) {
    std::wstring stem = path.filename().wstring();
    stem = stem.substr(0, stem.find(L'.'));
    while (!stem.empty() && (stem.back() == L' ' || stem.back() == L':')) stem.pop_back();
    std::transform(stem.begin(), stem.end(), stem.begin(),
                   [](wchar_t ch) { return static_cast<wchar_t>(std::towupper(ch)); });
    for (const wchar_t* name : {L"CON", L"PRN", L"AUX", L"NUL", L"CONIN$", L"CONOUT$"})
        if (stem == name) return true;
    return stem.size() == 4 && (stem.rfind(L"COM", 0) == 0 || stem.rfind(L"LPT", 0) == 0) &&
           stem[3] >= L'0' && stem[3] <= L'9';
}

std::optional<FileId> id_of(HANDLE h) {
    BY_HANDLE_FILE_INFORMATION info;
    if (!GetFileInformationByHandle(h, &info)) return std::nullopt;
    return FileId{info.dwVolumeSerialNumber,
                  (static_cast<std::uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow};
}
}  // namespace

PathKind path_kind(const fs::path& path) {
    if (is_device_name(path)) return PathKind::special;
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(path, ec);
    switch (st.type()) {
        case fs::file_type::not_found:
            return PathKind::absent;
        case fs::file_type::regular:
            return PathKind::regular;
        case fs::file_type::directory:
            return PathKind::directory;
        case fs::file_type::symlink:
            return PathKind::symlink;
        default:
            return ec ? PathKind::absent : PathKind::special;
    }
}

std::optional<FileId> file_id(const fs::path& path) {
    if (is_device_name(path)) return std::nullopt;
    HANDLE h = CreateFileW(path.c_str(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           nullptr, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
    if (h == INVALID_HANDLE_VALUE) return std::nullopt;
    std::optional<FileId> id = id_of(h);
    CloseHandle(h);
    return id;
}

bool is_standard_output(const fs::path& path) {
    std::wstring stem = path.filename().wstring();
    std::transform(stem.begin(), stem.end(), stem.begin(),
                   [](wchar_t ch) { return static_cast<wchar_t>(std::towupper(ch)); });
    return stem == L"CONOUT$" || stem == L"CON";
}

bool remove_if_abandoned(const fs::path& path) {
    // A run still writing holds the file open without sharing: deleting it fails then.
    return DeleteFileW(path.c_str()) != 0;
}

#else

ExclusiveFile::ExclusiveFile(fs::path path, FileAccess access)
    : path_(std::move(path)), handle_(kClosed), access_(access) {
    // O_EXCL with O_CREAT never opens an existing file and never follows a link at the path.
    // An owner-only file is created 0600, so it is never readable by others, not even briefly.
    const mode_t mode = access_ == FileAccess::owner_only ? 0600 : 0666;
    int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) fail("cannot create");
    handle_ = fd;
    // "In use" for remove_if_abandoned(); the lock goes with the process, kill -9 included. The
    // file is new, so no one else can hold it.
    (void)::flock(fd, LOCK_EX | LOCK_NB);
}

ExclusiveFile::~ExclusiveFile() {
    // Unlinked before it is closed: the lock guards it to the end.
    if (owned_) ::unlink(path_.c_str());
    if (handle_ != kClosed) ::close(static_cast<int>(handle_));
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
    if (access_ == FileAccess::owner_only) {
        // Whatever the replaced file allowed, a private key is the owner's only.
        if (::fchmod(fd, 0600) != 0) fail("cannot make the file private");
    } else if (::lstat(model.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
               ::fchmod(fd, st.st_mode & 0777) != 0) {
        fail("cannot set the mode of the replaced file");
    }
    if (::fsync(fd) != 0) fail("cannot flush to disk");
    // Kept open (and locked) until destruction: see the header.
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

PathKind path_kind(const fs::path& path) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) return PathKind::absent;
    if (S_ISREG(st.st_mode)) return PathKind::regular;
    if (S_ISDIR(st.st_mode)) return PathKind::directory;
    if (S_ISLNK(st.st_mode)) return PathKind::symlink;
    return PathKind::special;
}

std::optional<FileId> file_id(const fs::path& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return FileId{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

bool is_standard_output(const fs::path& path) {
    // A regular file that stdout happens to be redirected to is still written as a file.
    if (path_kind(path) == PathKind::regular) return false;
    struct stat out;
    if (::fstat(STDOUT_FILENO, &out) != 0) return false;
    const std::optional<FileId> id = file_id(path);
    return id && *id == FileId{static_cast<std::uint64_t>(out.st_dev),
                               static_cast<std::uint64_t>(out.st_ino)};
}

bool remove_if_abandoned(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return false;
    bool removed = false;
    struct stat held, there;
    // Only this user's own regular files, only when no process holds the lock any more, and only
    // the file that was locked (not one put at the name in the meantime).
    if (::fstat(fd, &held) == 0 && S_ISREG(held.st_mode) && held.st_uid == ::geteuid() &&
        ::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::lstat(path.c_str(), &there) == 0 &&
        there.st_dev == held.st_dev && there.st_ino == held.st_ino)
        removed = ::unlink(path.c_str()) == 0;
    ::close(fd);
    return removed;
}

#endif

}  // namespace cipolicy::platform
