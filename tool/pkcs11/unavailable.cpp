// The PKCS#11 signer of the static Linux release executables: a statically linked glibc program
// cannot safely dlopen a module built against the host's shared libc (two C libraries, two heaps).
// The options exist everywhere so that a configuration reads the same on every platform; only
// opening a token fails, with one line. Every other build (Linux and macOS from source, Windows)
// has PKCS#11.
#include "core/error.hpp"
#include "pkcs11/pkcs11_signer.hpp"

namespace cipolicy::pkcs11 {

bool available() {
    return false;
}

std::unique_ptr<signing::Signer> open_signer(Options) {
    throw Error(ExitCode::usage,
                "PKCS#11 is not available in this build of cipolicy (a static executable loads "
                "no PKCS#11 modules); sign with the distribution's cipolicy or one built from "
                "source, or with a PFX, Azure Key Vault or Trusted Signing");
}

}  // namespace cipolicy::pkcs11
