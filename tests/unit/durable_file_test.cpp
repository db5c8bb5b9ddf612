// Outputs appear whole or not at all: exclusive temporary files, replacement in one step, the
// mode of a replaced file kept, nothing left behind on failure.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <system_error>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "platform/durable_file.hpp"
#include "test_support.hpp"

using namespace cipolicy;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir() {
    fs::path dir =
        fs::temp_directory_path() / ("cipolicy-durable-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
    return dir;
}

Bytes bytes(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

std::size_t entries(const fs::path& dir) {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), {}));
}

}  // namespace

TEST_CASE("an exclusive file never opens what is already there", "[file]") {
    fs::path dir = fresh_dir();
    fs::path existing = dir / "existing";
    std::ofstream(existing) << "keep me";
    try {
        platform::ExclusiveFile f(existing);
        FAIL("an existing file was opened");
    } catch (const std::system_error& e) {
        CHECK(e.code() == std::errc::file_exists);
    }
    CHECK(test::read_bytes(existing) == bytes("keep me"));
#ifndef _WIN32
    // A link planted at the temporary name must not redirect the write.
    fs::path target = dir / "target";
    std::ofstream(target) << "victim";
    fs::create_symlink(target, dir / "planted");
    CHECK_THROWS_AS(platform::ExclusiveFile(dir / "planted"), std::system_error);
    CHECK(test::read_bytes(target) == bytes("victim"));
#endif
    fs::remove_all(dir);
}

TEST_CASE("a pending file replaces its destination in one step and leaves nothing else", "[file]") {
    fs::path dir = fresh_dir();
    fs::path out = dir / "policy.cip";
    write_file_atomically(out, bytes("first"));
    write_file_atomically(out, bytes("second"));  // over an existing file (MoveFileExW on Windows)
    CHECK(test::read_bytes(out) == bytes("second"));
    CHECK(entries(dir) == 1);
    {
        PendingFile abandoned(out, bytes("never committed"));
        CHECK(fs::exists(abandoned.temp_path()));
        CHECK(abandoned.temp_path().parent_path() == dir);
    }
    CHECK(test::read_bytes(out) == bytes("second"));
    CHECK(entries(dir) == 1);
    fs::remove_all(dir);
}

TEST_CASE("a pending file in a missing folder fails naming the destination", "[file]") {
    fs::path dir = fresh_dir();
    fs::path out = dir / "no-such-folder" / "policy.cip";
    CHECK_THROWS_WITH(write_file_atomically(out, bytes("x")),
                      Catch::Contains(out.string()) && Catch::Contains("cannot create"));
    fs::remove_all(dir);
}

#ifndef _WIN32
TEST_CASE("a replaced output keeps its mode", "[file]") {
    fs::path dir = fresh_dir();
    fs::path out = dir / "policy.cip";
    write_file_atomically(out, bytes("first"));
    fs::permissions(out, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    write_file_atomically(out, bytes("second"));
    CHECK((fs::status(out).permissions() & fs::perms::mask) ==
          (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));
    fs::remove_all(dir);
}
#endif
