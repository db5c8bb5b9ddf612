#include "core/bounded_read.hpp"

#include <algorithm>
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
    std::uintmax_t expected = 0;
    if (fs::is_regular_file(path, ec)) {
        expected = fs::file_size(path, ec);
        if (ec) expected = 0;
        if (expected > max) throw too_large();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ExitCode::input, path.string() + ": cannot open: " + std::strerror(errno));
    // Read straight into the result, sized from the file when it has a size: one allocation and
    // no copy for a policy, however large.
    Bytes data;
    data.reserve(static_cast<std::size_t>(expected) + 1);
    constexpr std::size_t kChunk = 65536;
    while (in) {
        const std::size_t old = data.size();
        const std::size_t want = std::max(kChunk, data.capacity() - old);
        data.resize(old + want);
        in.read(reinterpret_cast<char*>(data.data() + old), static_cast<std::streamsize>(want));
        data.resize(old + static_cast<std::size_t>(in.gcount()));
        if (data.size() > max) throw too_large();
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
