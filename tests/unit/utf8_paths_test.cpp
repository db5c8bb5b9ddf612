// cipolicy's strings are UTF-8; a path made from one names the file a user typed, on Windows too
// (where libstdc++ would otherwise read the bytes as single-byte characters).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "core/file_io.hpp"
#include "test_support.hpp"

using namespace cipolicy;
namespace fs = std::filesystem;

namespace {
std::string u8_to_string(const std::u8string& s) {
    return std::string(s.begin(), s.end());
}
}  // namespace

TEST_CASE("a UTF-8 string converts to the path it spells and back", "[paths]") {
    const std::string name =
        "Richtlinie-\xc3\xbc-\xe6\x97\xa5\xe6\x9c\xac.bin";  // Richtlinie-ü-日本
    fs::path p(name);
    CHECK(u8_to_string(p.u8string()) == name);
    CHECK(p.string() == name);
#ifdef _WIN32
    CHECK(p.wstring() == L"Richtlinie-\u00fc-\u65e5\u672c.bin");
#endif

    fs::path dir =
        fs::temp_directory_path() / ("cipolicy-utf8-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
    write_file_atomically(dir / name, Bytes{1, 2, 3});
    std::string listed;
    for (const auto& entry : fs::directory_iterator(dir))
        listed = u8_to_string(entry.path().filename().u8string());
    CHECK(listed == name);
    CHECK(read_file(dir / name) == Bytes{1, 2, 3});
    fs::remove_all(dir);
}
