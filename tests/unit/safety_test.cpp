// The pure rules behind "safe with the developer's keys" (issue 20): the wildcard matcher, XML-safe
// text, URL userinfo redaction, PIN attributes in PKCS#11 URIs, token origins, and what an output
// may replace.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include "cli/input_list.hpp"
#include "core/bury.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/quote.hpp"
#include "core/utf8.hpp"
#include "http/url.hpp"
#include "pkcs11/uri_pin.hpp"
#include "platform/durable_file.hpp"

#ifndef _WIN32
#include <sys/stat.h>
#endif

using namespace cipolicy;
namespace fs = std::filesystem;

namespace {
fs::path fresh_dir() {
    fs::path dir =
        fs::temp_directory_path() / ("cipolicy-safety-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
    return dir;
}
}  // namespace

TEST_CASE("wildcards match like a shell, in linear time", "[safety]") {
    using cli::wildcard_match;
    CHECK(wildcard_match("*.cip", "a.cip"));
    CHECK(wildcard_match("*", ""));
    CHECK(wildcard_match("a?c", "abc"));
    CHECK_FALSE(wildcard_match("a?c", "ac"));
    CHECK(wildcard_match("*a*b", "xxaxxb"));
    CHECK_FALSE(wildcard_match("*a*b", "xxaxxbc"));
    CHECK(wildcard_match("p*q*r", "pqr"));
    CHECK(wildcard_match("**x", "x"));
    CHECK_FALSE(wildcard_match("", "x"));
    // Exponential for a backtracking matcher (the run would never end); immediate here.
    const std::string name(400, 'a');
    CHECK_FALSE(wildcard_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", name));
    CHECK(wildcard_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a", name));
}

TEST_CASE("text written into XML never holds what XML 1.0 forbids", "[safety]") {
    CHECK(xml_safe("Contoso Root") == "Contoso Root");
    CHECK(xml_safe("a\tb\nc\rd") == "a\tb\nc\rd");
    CHECK(xml_safe("Evil\x1b[31m") == "Evil\xEF\xBF\xBD[31m");
    CHECK(xml_safe(std::string("a\0b", 3)) ==
          "a\xEF\xBF\xBD"
          "b");
    CHECK(xml_safe("\xEF\xBF\xBE") == "\xEF\xBF\xBD");  // U+FFFE
    CHECK(xml_safe("\xC3\xA9t\xC3\xA9") == "\xC3\xA9t\xC3\xA9");
    CHECK(xml_safe("\xFF") == "\xEF\xBF\xBD");
}

TEST_CASE("URLs are printed without their user name and password", "[safety]") {
    CHECK(redact_userinfo("https://user:secret@tsa.example/x") == "https://***@tsa.example/x");
    CHECK(redact_userinfo("timestamp server: http://a:b@h:80 and https://c@d/e?f=g@h") ==
          "timestamp server: http://***@h:80 and https://***@d/e?f=g@h");
    CHECK(redact_userinfo("https://host/path@x") == "https://host/path@x");
    CHECK(redact_userinfo("no url here a@b") == "no url here a@b");
    CHECK(one_line("'https://u:p4ss@h/'").find("p4ss") == std::string::npos);
}

TEST_CASE("a PIN in a PKCS#11 URI is found however it is spelled", "[safety]") {
    using pkcs11::uri_carries_pin;
    CHECK(uri_carries_pin("pkcs11:token=t?pin-value=1234"));
    CHECK(uri_carries_pin("pkcs11:token=t?Pin-Value=1234"));
    CHECK(uri_carries_pin("pkcs11:token=t?PIN-VALUE=1234"));
    CHECK(uri_carries_pin("pkcs11:token=t?%70in-value=1234"));
    CHECK(uri_carries_pin("pkcs11:token=t?pin%2dvalue=1234"));
    CHECK(uri_carries_pin("pkcs11:pin-source=file:/x;token=t"));
    CHECK(uri_carries_pin("PKCS11:token=t;object=k?module-name=m&PIN-Source=x"));
    CHECK_FALSE(uri_carries_pin("pkcs11:token=pin-value;object=k"));
    CHECK_FALSE(uri_carries_pin("pkcs11:token=t;object=pin-value%3D1"));
}

TEST_CASE("a token goes only to its own https origin", "[safety]") {
    const std::string endpoint = "https://eus.codesigning.azure.net";
    CHECK(http::same_https_origin("https://eus.codesigning.azure.net/x?y", endpoint));
    CHECK(http::same_https_origin("https://EUS.codesigning.azure.net:443/x", endpoint));
    CHECK_FALSE(http::same_https_origin("http://eus.codesigning.azure.net/x", endpoint));
    CHECK_FALSE(http::same_https_origin("https://evil.example/x", endpoint));
    CHECK_FALSE(http::same_https_origin("https://eus.codesigning.azure.net:8443/x", endpoint));
    CHECK_FALSE(
        http::same_https_origin("https://eus.codesigning.azure.net@evil.example/x", endpoint));
    CHECK_FALSE(http::same_https_origin("https://eus.codesigning.azure.net.evil/x", endpoint));
    CHECK_FALSE(http::same_https_origin("/relative", endpoint));
    auto o = http::origin_of("http://[::1]:8080/x");
    REQUIRE(o);
    CHECK(o->host == "::1");
    CHECK(o->port == 8080);
    CHECK(http::is_loopback(*o));
    CHECK_FALSE(http::origin_of("https://h:99999/"));
    CHECK_FALSE(http::origin_of("ftp://h/"));
}

TEST_CASE("temporary names are recognised exactly", "[safety]") {
    CHECK(is_temporary_name_of("p.cip.0a1b2c.tmp", "p.cip"));
    CHECK_FALSE(is_temporary_name_of("p.cip.0A1B2C.tmp", "p.cip"));
    CHECK_FALSE(is_temporary_name_of("p.cip.0a1b2.tmp", "p.cip"));
    CHECK_FALSE(is_temporary_name_of("q.cip.0a1b2c.tmp", "p.cip"));
    CHECK_FALSE(is_temporary_name_of("p.cip.0a1b2c.tmpx", "p.cip"));
    CHECK_FALSE(is_temporary_name_of("x.0a1b2c.tmp", ""));
}

TEST_CASE("only abandoned temporary files are removed", "[safety]") {
    fs::path dir = fresh_dir();
    const fs::path dest = dir / "out.cip";
    const fs::path stale = dir / "out.cip.abcdef.tmp";
    std::ofstream(stale) << "left by a killed run";
    {
        // A live writer's file is kept.
        platform::ExclusiveFile live(dir / "out.cip.123456.tmp");
        CHECK_FALSE(platform::remove_if_abandoned(live.path()));
        CHECK(fs::exists(live.path()));
        write_file_atomically(dest, Bytes{1, 2, 3});
        CHECK(fs::exists(live.path()));
        CHECK_FALSE(fs::exists(stale));
    }
    CHECK(fs::exists(dest));
    fs::remove_all(dir);
}

TEST_CASE("a private key is the owner's only, whatever it replaces", "[safety]") {
    fs::path dir = fresh_dir();
    const fs::path key = dir / "signer.key";
    std::ofstream(key) << "old";
#ifndef _WIN32
    ::chmod(key.c_str(), 0644);
#endif
    write_file_atomically(key, Bytes{1}, OutputAccess::private_key);
#ifndef _WIN32
    struct stat st;
    REQUIRE(::stat(key.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
#endif
    fs::remove_all(dir);
}

#ifndef _WIN32
TEST_CASE("an output never replaces a FIFO or a link", "[safety]") {
    fs::path dir = fresh_dir();
    const fs::path fifo = dir / "fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK_THROWS_AS(write_file_atomically(fifo, Bytes{1}), Error);
    CHECK(platform::path_kind(fifo) == platform::PathKind::special);
    std::ofstream(dir / "target") << "keep";
    fs::create_symlink(dir / "target", dir / "link");
    CHECK_THROWS_AS(write_file_atomically(dir / "link", Bytes{1}), Error);
    CHECK(fs::is_symlink(dir / "link"));
    CHECK(platform::file_id(dir / "link") == platform::file_id(dir / "target"));
    fs::remove_all(dir);
}
#endif

// core/bury.hpp: a buried object is never destroyed (its destructor does not run).
TEST_CASE("bury keeps an object and never runs its destructor", "[core]") {
    struct Watched {
        explicit Watched(bool* flag) : destroyed(flag) {}
        ~Watched() { *destroyed = true; }
        bool* destroyed;
    };
    bool destroyed = false;
    { auto owned = std::make_unique<Watched>(&destroyed); }
    REQUIRE(destroyed);  // the control: an owner that goes away destroys it
    destroyed = false;
    auto owned = std::make_unique<Watched>(&destroyed);
    cipolicy::bury(std::move(owned));
    CHECK(owned == nullptr);
    CHECK_FALSE(destroyed);
}
