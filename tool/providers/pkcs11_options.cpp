#include "core/error.hpp"
#include "pkcs11/pkcs11_signer.hpp"
#include "providers/openers.hpp"

namespace cipolicy::providers {
namespace fs = std::filesystem;

std::unique_ptr<signing::Signer> open_pkcs11(const config::Settings& s, const Notices&) {
    if (!pkcs11::available()) return pkcs11::open_signer({});  // says so in one line
    pkcs11::Options o;
    if (!s.pkcs11.uri)
        throw Error(ExitCode::usage,
                    "PKCS#11 signing needs --pkcs11-uri 'pkcs11:token=...;"
                    "object=...' (or pkcs11.uri in cipolicy.yaml)");
    o.uri = *s.pkcs11.uri;
    o.module = s.pkcs11.module.value_or(fs::path());
    o.pin = password_from(s.pkcs11.pin_env, s.pkcs11.pin_file, "--pin").password;
    if (s.local.cert) o.certificates = crypto::load_certificates(*s.local.cert);
    if (s.local.chain) o.chain = crypto::load_certificates(*s.local.chain);
    return pkcs11::open_signer(std::move(o));
}

}  // namespace cipolicy::providers
