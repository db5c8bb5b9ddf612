#include "core/file_io.hpp"

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
static std::unique_ptr<platform::ExclusiveFile> create_beside(const fs::path& destination) {
    for (int attempt = 0;; ++attempt) {
        try {
            return std::make_unique<platform::ExclusiveFile>(temp_name_beside(destination));
        } catch (const std::system_error& e) {
            if (e.code() != std::errc::file_exists || attempt == 15)
                throw Error(
                    ExitCode::output,
                    destination.string() + ": cannot create a file there: " + e.code().message());
        }
    }
}

PendingFile::PendingFile(fs::path destination, ByteView contents)
    : destination_(std::move(destination)), file_(create_beside(destination_)) {
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
    try {
        platform::replace_file(file_->path(), destination_);
    } catch (const std::system_error& e) {
        throw Error(ExitCode::output,
                    destination_.string() + ": cannot replace: " + e.code().message());
    }
    file_->release();
}

void write_file_atomically(const fs::path& destination, ByteView contents) {
    PendingFile file(destination, contents);
    file.commit();
}

}  // namespace cipolicy
