#pragma once
// The value the signing pipeline carries from the signer to the one encode: the signed-policy
// parts and the certificate that made the signature (what a timestamp must lie within).

#include "cms/signed_policy.hpp"
#include "crypto/certificate.hpp"

namespace cipolicy::signing {

struct SignedParts {
    cms::SignedPolicyParts cms;  // views the policy binary: keep that buffer alive
    crypto::Certificate signer;
};

}  // namespace cipolicy::signing
