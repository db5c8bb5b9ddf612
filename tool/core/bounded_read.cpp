#include "core/bounded_read.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/error.hpp"

namespace cipolicy {
namespace fs = std::filesystem;

namespace {
std::string size_text(std::uintmax_t bytes) {
    return bytes >= (1u << 20) ? std::to_string(bytes >> 20) + " MB"
                               : std::to_string(bytes >> 10) + " KB";
}
}  // namespace

Bytes read_bounded(const fs::path& path, std::uintmax_t max, const char* what) {
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw Error(ExitCode::input, path.string() + ": is a directory, expected a file");
    auto too_large = [&] {
        return Error(ExitCode::input, path.string() + ": larger than " + size_text(max) +
                                          ", more than any " + what +
                                          " can be; is this the right file?");
    };
    // The size check first spares reading a large regular file; devices and pipes report none,
    // so the read below stops at the cap too.
    if (fs::is_regular_file(path, ec) && fs::file_size(path, ec) > max && !ec) throw too_large();
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ExitCode::input, path.string() + ": cannot open: " + std::strerror(errno));
    Bytes data;
    char chunk[65536];
    while (in) {
        in.read(chunk, sizeof chunk);
        const auto got = static_cast<std::size_t>(in.gcount());
        if (data.size() + got > max) throw too_large();
        data.insert(data.end(), chunk, chunk + got);
    }
    if (in.bad()) throw Error(ExitCode::input, path.string() + ": read failed");
    return data;
}

std::string read_bounded_text(const fs::path& path, std::uintmax_t max, const char* what) {
    const Bytes data = read_bounded(path, max, what);
    std::string text(data.begin(), data.end());
    // A UTF-8 byte order mark is common in files written by PowerShell or Notepad.
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
    return text;
}

}  // namespace cipolicy
