#include "cert_store/cert_store_signer.hpp"
#include "providers/openers.hpp"

namespace cipolicy::providers {

std::unique_ptr<signing::Signer> open_cert_store(const config::Settings& s, const Notices&) {
    cert_store::Options o;
    o.store = s.cert_store.store.value_or("My");
    o.thumbprint = s.cert_store.thumbprint.value_or("");
    o.subject = s.cert_store.subject.value_or("");
    if (s.local.chain) o.chain = crypto::load_certificates(*s.local.chain);
    return cert_store::open_signer(std::move(o));
}

}  // namespace cipolicy::providers
