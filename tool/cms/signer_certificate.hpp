#pragma once
// Finding things inside a parsed signed policy: the signer's certificate (by issuer and serial
// number, as the SignerInfo names it) and attributes by OID.

#include <string_view>
#include <vector>

#include "cms/signed_policy_reader.hpp"
#include "crypto/certificate.hpp"

namespace cipolicy::cms {

// The certificate of `certs` that `si` names by issuer and serial number; null when none does
// (or `si` names its signer by subjectKeyIdentifier).
const crypto::Certificate* find_signer_certificate(const SignerInfoView& si,
                                                   const std::vector<crypto::Certificate>& certs);

bool has_attribute(const std::vector<Attribute>& attributes, std::string_view oid);

}  // namespace cipolicy::cms
