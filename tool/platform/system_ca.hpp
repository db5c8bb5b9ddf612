#pragma once
// The system's CA certificates, for a libcurl that has no location of its own: the static Linux
// release executables run on any distribution, so they look where Go's crypto/x509 looks.

#include <filesystem>
#include <optional>

namespace cipolicy::platform {

struct SystemCa {
    std::optional<std::filesystem::path> file;       // a PEM bundle (CURLOPT_CAINFO)
    std::optional<std::filesystem::path> directory;  // OpenSSL hashed folder (CURLOPT_CAPATH)
};

// On Linux: the first existing bundle of Debian/Ubuntu, Fedora/RHEL 6, openSUSE, OpenELEC,
// CentOS/RHEL 7+ and Alpine, else $SSL_CERT_DIR, /etc/ssl/certs or /etc/pki/tls/certs when it
// exists. `root` is "/" except in tests. Elsewhere (libcurl with Schannel or Secure Transport,
// which use the OS store): nothing.
SystemCa find_system_ca(const std::filesystem::path& root = "/");

}  // namespace cipolicy::platform
