#include "core/file_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <system_error>

#include "core/bounded_read.hpp"
#include "core/error.hpp"
#include "platform/durable_file.hpp"

namespace cipolicy {
namespace fs = std::filesystem;

Bytes read_file(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw Error(ExitCode::input, path.string() + ": is a directory, expected a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ExitCode::input, path.string() + ": cannot open: " + std::strerror(errno));
    Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw Error(ExitCode::input, path.string() + ": read failed");
    return data;
}

std::string read_text_file(const fs::path& path) {
    // Passwords, tokens and assertions: a few KB at most, so /dev/zero cannot exhaust memory.
    Bytes data = read_bounded(path, kMaxConfigBytes, "password, token or assertion file");
    std::string text(data.begin(), data.end());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

bool is_temporary_name_of(std::string_view name, std::string_view destination_name) {
    constexpr std::size_t kSuffix = 11;  // ".XXXXXX.tmp"
    if (destination_name.empty() || name.size() != destination_name.size() + kSuffix ||
        name.substr(0, destination_name.size()) != destination_name)
        return false;
    const std::string_view suffix = name.substr(destination_name.size());
    if (suffix[0] != '.' || suffix.substr(7) != ".tmp") return false;
    return std::all_of(suffix.begin() + 1, suffix.begin() + 7,
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

void check_replaceable(const fs::path& destination) {
    const char* what = nullptr;
    switch (platform::path_kind(destination)) {
        case platform::PathKind::absent:
        case platform::PathKind::regular:
            return;
        case platform::PathKind::directory:
            what = "is a folder";
            break;
        case platform::PathKind::symlink:
            what = "is a symbolic link (the link itself would be replaced)";
            break;
        case platform::PathKind::special:
            what = "is a device, FIFO or socket";
            break;
    }
    throw Error(ExitCode::output, destination.string() + ": " + what +
                                      "; an output is written to a regular file only: give a "
                                      "file name (or the file the link points to)");
}

// A killed run (kill -9, a power cut before the rename) leaves its temporary file; the next run
// of the same destination removes those that no process holds. Bounded: a folder of a million
// entries is not read to the end for this.
static void remove_abandoned_temporaries(const fs::path& destination) {
    const std::string name = destination.filename().string();
    fs::path folder = destination.parent_path();
    if (folder.empty()) folder = ".";
    std::error_code ec;
    fs::directory_iterator it(folder, ec), end;
    for (int seen = 0; !ec && it != end && seen < 100000; it.increment(ec), ++seen)
        if (is_temporary_name_of(it->path().filename().string(), name))
            platform::remove_if_abandoned(it->path());
}

static fs::path temp_name_beside(const fs::path& destination) {
    std::random_device rd;
    std::uniform_int_distribution<unsigned> dist(0, 0xFFFFFF);
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, ".%06x.tmp", dist(rd));
    fs::path temp = destination;
    temp += suffix;
    return temp;
}

// A temporary name is taken exclusively; another process (or a planted file or link) holding one
// name only makes us pick the next.
static std::unique_ptr<platform::ExclusiveFile> create_beside(const fs::path& destination,
                                                              OutputAccess access) {
    check_replaceable(destination);
    remove_abandoned_temporaries(destination);
    const auto file_access = access == OutputAccess::private_key ? platform::FileAccess::owner_only
                                                                 : platform::FileAccess::ordinary;
    for (int attempt = 0;; ++attempt) {
        try {
            return std::make_unique<platform::ExclusiveFile>(temp_name_beside(destination),
                                                             file_access);
        } catch (const std::system_error& e) {
            if (e.code() != std::errc::file_exists || attempt == 15)
                throw Error(
                    ExitCode::output,
                    destination.string() + ": cannot create a file there: " + e.code().message());
        }
    }
}

PendingFile::PendingFile(fs::path destination, ByteView contents, OutputAccess access)
    : destination_(std::move(destination)), file_(create_beside(destination_, access)) {
    try {
        file_->write(contents.data(), contents.size());
        // On disk before anything can rename it into place: a crash right after "signed" must
        // not leave an empty or truncated policy.
        file_->finish(destination_);
    } catch (const std::system_error& e) {
        throw Error(ExitCode::output,
                    destination_.string() + ": write failed (disk full?): " + e.code().message());
    }
}

PendingFile::~PendingFile() = default;

const fs::path& PendingFile::temp_path() const {
    return file_->path();
}

void PendingFile::commit() {
    // Again at the last moment: a device or link put there while the file was being made.
    check_replaceable(destination_);
    try {
        platform::replace_file(file_->path(), destination_);
    } catch (const std::system_error& e) {
        throw Error(ExitCode::output,
                    destination_.string() + ": cannot replace: " + e.code().message());
    }
    file_->release();
}

void write_file_atomically(const fs::path& destination, ByteView contents, OutputAccess access) {
    PendingFile file(destination, contents, access);
    file.commit();
}

}  // namespace cipolicy
