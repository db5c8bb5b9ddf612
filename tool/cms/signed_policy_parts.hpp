#pragma once
// From a parsed signed policy back to the parts the encoder takes: the bridge that lets us
// re-assemble a file (to add a timestamp, or to prove the layout is exactly signtool's).

#include "cms/signed_policy.hpp"
#include "cms/signed_policy_reader.hpp"

namespace cipolicy::cms {

// The parts of `v`'s only signer. Views stay views: keep the parsed buffer alive. Throws
// Error(input) naming `source` when the file has no single signer or an unknown digest.
SignedPolicyParts parts_of(const SignedPolicyView& v, const std::string& source);

}  // namespace cipolicy::cms
