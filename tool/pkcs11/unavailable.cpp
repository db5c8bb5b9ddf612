// The PKCS#11 signer of builds without p11-kit (the MinGW build: p11-kit is not in its static
// dependency prefix; the static Linux release executables: a statically linked glibc program
// cannot safely dlopen a module built against the host's shared libc). The options exist everywhere
// so that a configuration reads the same on every platform; only opening a token fails, with one
// line.
#include "core/error.hpp"
#include "pkcs11/pkcs11_signer.hpp"

namespace cipolicy::pkcs11 {

bool available() {
    return false;
}

std::unique_ptr<signing::Signer> open_signer(Options) {
    throw Error(ExitCode::usage,
                "PKCS#11 is not available in this build of cipolicy (a static or Windows build "
                "loads no PKCS#11 modules); sign with cipolicy built from source against "
                "p11-kit, or with a PFX, Azure Key Vault or Trusted Signing");
}

}  // namespace cipolicy::pkcs11
