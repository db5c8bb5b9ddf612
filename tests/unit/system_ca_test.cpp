// Where the static Linux executables find the system's CA certificates: the bundle of each
// distribution's layout (Go's crypto/x509 list, in its order), else a certificate folder.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "platform/system_ca.hpp"

namespace fs = std::filesystem;
using cipolicy::platform::find_system_ca;

// The tests are for Linux layouts; elsewhere the file holds none (and so no helpers).
#if defined(__linux__)
namespace {

fs::path fresh_root() {
    fs::path dir =
        fs::temp_directory_path() / ("cipolicy-ca-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
    return dir;
}

void touch(const fs::path& p) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << "-----BEGIN CERTIFICATE-----\n";
}

}  // namespace

TEST_CASE("the CA bundle of each distribution is found where it keeps it", "[platform]") {
    const char* layouts[] = {
        "etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu
        "etc/pki/tls/certs/ca-bundle.crt",                   // Fedora
        "etc/ssl/ca-bundle.pem",                             // openSUSE
        "etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // RHEL 7+
        "etc/ssl/cert.pem",                                  // Alpine
    };
    for (const char* layout : layouts) {
        fs::path root = fresh_root();
        touch(root / layout);
        auto found = find_system_ca(root);
        REQUIRE(found.file);
        CHECK(*found.file == root / layout);
        CHECK_FALSE(found.directory);
        fs::remove_all(root);
    }
}

TEST_CASE("the first bundle in the order of Go wins when several exist", "[platform]") {
    fs::path root = fresh_root();
    touch(root / "etc/ssl/cert.pem");
    touch(root / "etc/pki/tls/certs/ca-bundle.crt");
    REQUIRE(find_system_ca(root).file == root / "etc/pki/tls/certs/ca-bundle.crt");
    // A folder named like a bundle is not a bundle.
    fs::remove(root / "etc/pki/tls/certs/ca-bundle.crt");
    fs::create_directories(root / "etc/pki/tls/certs/ca-bundle.crt");
    REQUIRE(find_system_ca(root).file == root / "etc/ssl/cert.pem");
    fs::remove_all(root);
}

TEST_CASE("without a bundle the certificate folder is used and without either nothing",
          "[platform]") {
    fs::path root = fresh_root();
    ::unsetenv("SSL_CERT_DIR");
    CHECK_FALSE(find_system_ca(root).file);
    CHECK_FALSE(find_system_ca(root).directory);
    fs::create_directories(root / "etc/pki/tls/certs");
    CHECK(find_system_ca(root).directory == root / "etc/pki/tls/certs");
    fs::create_directories(root / "etc/ssl/certs");
    CHECK(find_system_ca(root).directory == root / "etc/ssl/certs");
    fs::path own = root / "mine";
    fs::create_directories(own);
    ::setenv("SSL_CERT_DIR", own.c_str(), 1);
    CHECK(find_system_ca(root).directory == own);
    ::unsetenv("SSL_CERT_DIR");
    fs::remove_all(root);
}
#endif
