#pragma once
// Does a policy authorize the chain that signed it? Windows accepts a signed policy only when the
// Unsigned option is gone and one of its UpdatePolicySigners names a certificate of the signing
// chain by TBS hash, with every CertEKU of that signer present in the leaf.

#include <optional>
#include <vector>

#include "crypto/certificate.hpp"
#include "policy/model.hpp"
#include "verify/report.hpp"

namespace cipolicy::verify {

// Findings in CheckArea::policy. `chain` is the ordered chain, root included when known. Checks
// named "unsigned-option", "update-signers", "supplemental-signers".
// With `chain_complete` false (the chain stops below a self-signed root), a signer list that names
// none of the chain's certificates may still name the missing root: that is a warning, not a
// failure, naming the missing issuer.
std::vector<Finding> check_signer_authorization(const policy::Policy& policy,
                                                const crypto::Certificate& leaf,
                                                const std::vector<crypto::Certificate>& chain,
                                                const std::optional<policy::Policy>& base,
                                                bool chain_complete = true);

// The failures of check_signer_authorization that no chain can change (option 6 still set, no or
// unreadable UpdatePolicySigners): what can refuse a policy before it is signed.
std::vector<Finding> chain_independent_failures(const policy::Policy& policy);

// A policy EKU Value (01 <len> <OID bytes>) as a dotted OID, or "(malformed EKU ...)".
std::string eku_oid_text(const Bytes& value);

}  // namespace cipolicy::verify
