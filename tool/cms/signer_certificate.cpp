#include "cms/signer_certificate.hpp"

#include <algorithm>

namespace cipolicy::cms {

const crypto::Certificate* find_signer_certificate(const SignerInfoView& si,
                                                   const std::vector<crypto::Certificate>& certs) {
    if (!si.has_issuer_and_serial) return nullptr;
    const Bytes issuer(si.issuer_name.begin(), si.issuer_name.end());
    const Bytes serial(si.serial.begin(), si.serial.end());
    for (const auto& c : certs)
        if (c.issuer_name_der() == issuer && c.serial_der() == serial) return &c;
    return nullptr;
}

bool has_attribute(const std::vector<Attribute>& attributes, std::string_view oid) {
    return std::any_of(attributes.begin(), attributes.end(),
                       [&](const Attribute& a) { return a.oid == oid; });
}

}  // namespace cipolicy::cms
