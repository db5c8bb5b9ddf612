// The PKCS#11 signer of builds without p11-kit (the MinGW build: p11-kit is not in its static
// dependency prefix). The options exist everywhere so that a configuration reads the same on every
// platform; only opening a token fails, with one line.
#include "core/error.hpp"
#include "pkcs11/pkcs11_signer.hpp"

namespace cipolicy::pkcs11 {

bool available() {
    return false;
}

std::unique_ptr<signing::Signer> open_signer(Options) {
    throw Error(ExitCode::usage,
                "PKCS#11 is not available in this build of cipolicy (built without p11-kit); "
                "sign with the Linux build, or with a PFX, Azure Key Vault or Trusted Signing");
}

}  // namespace cipolicy::pkcs11
