#pragma once
// Does a policy authorize the chain that signed it? Windows accepts a signed policy only when the
// Unsigned option is gone and one of its UpdatePolicySigners names a certificate of the signing
// chain by TBS hash, with every CertEKU of that signer present in the leaf. Windows matches the
// TBS values against the certificates the signature carries (and Microsoft's well-known roots,
// which policies name as CertRoot Type="Wellknown", not by TBS): it has no --root. A certificate
// the caller knows but the file does not carry can therefore never authorize it (docs/verify.md).

#include <optional>
#include <vector>

#include "crypto/certificate.hpp"
#include "policy/model.hpp"
#include "verify/report.hpp"

namespace cipolicy::verify {

// The chain of a signature as Windows and the caller see it.
struct SigningChain {
    std::vector<crypto::Certificate> carried;  // ordered, leaf first: what the file carries
    std::vector<crypto::Certificate> beyond;   // its continuation the caller knows (--root)
    // carried + beyond ends in a self-issued root: nothing above it can be named.
    bool complete = true;
};

// Findings named "unsigned-option", "update-signers", "supplemental-signers" (and "shared-root",
// "allow-supplemental"). A signer list that names no carried certificate fails in
// CheckArea::chain when the certificate it names is, or may be, one the file leaves out (a
// certificate of `beyond`, or the missing issuer of an incomplete chain), and in CheckArea::policy
// when the whole chain is known and the list names none of it.
std::vector<Finding> check_signer_authorization(const policy::Policy& policy,
                                                const crypto::Certificate& leaf,
                                                const SigningChain& chain,
                                                const std::optional<policy::Policy>& base);

// The position in `chain` of the first certificate that one of `signers` names by TBS hash.
std::optional<std::size_t> authorized_position(const std::vector<policy::AuthorizedSigner>& signers,
                                               const std::vector<crypto::Certificate>& chain);

// The failures of check_signer_authorization that no chain can change (option 6 still set, no or
// unreadable UpdatePolicySigners): what can refuse a policy before it is signed.
std::vector<Finding> chain_independent_failures(const policy::Policy& policy);

// Whether a finding is about the policy's signer rules (what `sign` decides before signing, and
// its self-check leaves to that decision) rather than the file's structure or signature.
bool is_authorization_finding(const Finding& f);

// A policy EKU Value (01 <len> <OID bytes>) as a dotted OID, or "(malformed EKU ...)".
std::string eku_oid_text(const Bytes& value);

}  // namespace cipolicy::verify
