#include "core/file_io.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

#include "core/error.hpp"

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
    Bytes data = read_file(path);
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

PendingFile::PendingFile(fs::path destination, ByteView contents)
    : destination_(std::move(destination)), temp_(temp_name_beside(destination_)) {
    std::ofstream out(temp_, std::ios::binary | std::ios::trunc);
    if (!out)
        throw Error(ExitCode::output, destination_.string() +
                                          ": cannot create a file there: " + std::strerror(errno));
    out.write(reinterpret_cast<const char*>(contents.data()),
              static_cast<std::streamsize>(contents.size()));
    out.close();
    if (!out) {
        std::error_code ec;
        fs::remove(temp_, ec);
        throw Error(ExitCode::output, destination_.string() + ": write failed (disk full?)");
    }
}

PendingFile::~PendingFile() {
    if (!committed_) {
        std::error_code ec;
        fs::remove(temp_, ec);
    }
}

void PendingFile::commit() {
    std::error_code ec;
    // std::filesystem::rename replaces an existing destination atomically on POSIX and Windows.
    fs::rename(temp_, destination_, ec);
    if (ec)
        throw Error(ExitCode::output, destination_.string() + ": cannot replace: " + ec.message());
    committed_ = true;
}

void write_file_atomically(const fs::path& destination, ByteView contents) {
    PendingFile file(destination, contents);
    file.commit();
}

}  // namespace cipolicy
