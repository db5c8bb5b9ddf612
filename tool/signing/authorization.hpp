#pragma once
// The policy's signer rules applied while signing: refusals (unless overridden) and warnings.
// Decided before the signer is called wherever that is possible, so that a policy that will be
// refused costs no signature (no remote signing call).

#include <string>
#include <vector>

#include "core/error.hpp"
#include "crypto/certificate.hpp"
#include "policy/model.hpp"
#include "signing/sign_settings.hpp"
#include "signing/signer.hpp"

namespace cipolicy::signing {

struct Authorization {
    std::vector<crypto::Certificate> chain;  // as signed, ordered
    // What the signed file carries: the chain without its root, as signtool writes it, and the
    // root too when the policy names it (or, for a supplemental, its base may): Windows matches
    // signer rules only against the certificates in the file (docs/verify.md).
    std::vector<crypto::Certificate> carried;
    std::vector<Warning> warnings;     // overridden refusals and unchecked signers, for the user
    std::vector<std::string> details;  // "chain ordered: ...", for --verbose
};

// Orders `chain` (with the signer's trust anchors and the given roots) and applies the signer
// rules to it. Throws Error(refused) for a refusal not overridden in `settings`, Error(key) when
// the chain does not reach a given root; each names `source`.
Authorization authorize_chain(const policy::Policy& policy,
                              const std::vector<crypto::Certificate>& chain, const Signer& signer,
                              const SignSettings& settings, const std::string& source);

// Throws what authorize_chain would for every chain (option 6, no UpdatePolicySigners), for
// signers whose chain comes only with the signature.
void refuse_for_any_chain(const policy::Policy& policy, const SignSettings& settings,
                          const std::string& source);

}  // namespace cipolicy::signing
