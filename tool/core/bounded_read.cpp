#include "core/bounded_read.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/error.hpp"
#include "platform/memory.hpp"

namespace cipolicy {
namespace fs = std::filesystem;

namespace {
std::string size_text(std::uintmax_t bytes) {
    return bytes >= (1u << 20) ? std::to_string(bytes >> 20) + " MB"
                               : std::to_string(bytes >> 10) + " KB";
}
}  // namespace

namespace {
// Reads into `data` (a Bytes or a std::string): one allocation of the file's own size and no copy
// for a regular file; a device or pipe, which reports no size, grows chunk by chunk up to the cap.
template <class Buffer>
Buffer read_into(const fs::path& path, std::uintmax_t max, const char* what) {
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
    using Char = typename Buffer::value_type;
    Buffer data;
    data.reserve(static_cast<std::size_t>(expected));
    platform::prepare_for_writing(data.data(), data.capacity());
    data.resize(static_cast<std::size_t>(expected));
    in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(expected));
    data.resize(static_cast<std::size_t>(in.gcount()));
    // What follows the size the file reported (a device, a pipe, a file that grew) goes through a
    // small buffer: probing for the end in `data` would reallocate, and copy, the whole file.
    char chunk[16384];
    while (in) {
        in.read(chunk, sizeof chunk);
        const auto got = static_cast<std::size_t>(in.gcount());
        if (data.size() + got > max) throw too_large();
        data.insert(data.end(), reinterpret_cast<const Char*>(chunk),
                    reinterpret_cast<const Char*>(chunk) + got);
    }
    if (in.bad()) throw Error(ExitCode::input, path.string() + ": read failed");
    return data;
}
}  // namespace

Bytes read_bounded(const fs::path& path, std::uintmax_t max, const char* what) {
    return read_into<Bytes>(path, max, what);
}

std::string read_bounded_string(const fs::path& path, std::uintmax_t max, const char* what) {
    return read_into<std::string>(path, max, what);
}

std::string read_bounded_text(const fs::path& path, std::uintmax_t max, const char* what) {
    std::string text = read_into<std::string>(path, max, what);
    // A UTF-8 byte order mark is common in files written by PowerShell or Notepad.
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
    return text;
}

}  // namespace cipolicy
