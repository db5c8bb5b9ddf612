#include "platform/system_ca.hpp"

#include <cstdlib>
#include <system_error>

namespace fs = std::filesystem;

namespace cipolicy::platform {

SystemCa find_system_ca([[maybe_unused]] const fs::path& root) {
    SystemCa found;
#if defined(__linux__)
    // Go's crypto/x509 root_linux.go, in its order.
    static constexpr const char* bundles[] = {
        "etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Gentoo, Arch
        "etc/pki/tls/certs/ca-bundle.crt",                   // Fedora, RHEL 6
        "etc/ssl/ca-bundle.pem",                             // openSUSE, SLES
        "etc/pki/tls/cacert.pem",                            // OpenELEC
        "etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // CentOS, RHEL 7+
        "etc/ssl/cert.pem",                                  // Alpine
    };
    std::error_code ec;
    for (const char* bundle : bundles) {
        fs::path p = root / bundle;
        if (fs::is_regular_file(p, ec)) {
            found.file = p;
            return found;
        }
    }
    fs::path from_env;
    if (const char* v = std::getenv("SSL_CERT_DIR"); v && *v) from_env = v;
    for (const fs::path& dir : {from_env, root / "etc/ssl/certs", root / "etc/pki/tls/certs"}) {
        if (!dir.empty() && fs::is_directory(dir, ec)) {
            found.directory = dir;
            break;
        }
    }
#endif
    return found;
}

}  // namespace cipolicy::platform
