#pragma once
// The signing pipeline for one policy: check the input, sign, assemble the signtool layout, and
// verify the result before anyone writes it.

#include <functional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "crypto/digest.hpp"
#include "policy/model.hpp"
#include "signing/signer.hpp"
#include "timestamp/client.hpp"

namespace cipolicy {

struct SignSettings {
    DigestAlgorithm digest = DigestAlgorithm::sha256;
    // Overrides for policies Windows will not accept; each produces a warning.
    bool allow_unsigned_option = false;      // option 6 still set
    bool allow_unauthorized_signer = false;  // UpdatePolicySigners do not name the chain
    // RFC 3161 timestamping; none when null.
    timestamp::TsaClient* timestamper = nullptr;
    bool timestamp_optional = false;  // a failed timestamp becomes a warning instead of an error
    // Roots the user named (--root): they complete a chain that stops below its root, so that the
    // UpdatePolicySigners check is decisive; the chain must then reach one of them.
    std::vector<Certificate> roots;
    // Each step, for --verbose ("chain ordered: ...", "timestamp from ..."); none when empty.
    std::function<void(const std::string&)> detail;
};

struct SignedPolicy {
    Bytes bytes;                    // the signed file, already verified
    policy::Policy policy;          // the policy inside
    std::vector<Warning> warnings;  // for the user
};

// Parses `input` as a policy binary and refuses what Windows would not accept (Error with
// ExitCode::input or ::refused, one line naming `source`). The policy is returned for naming.
policy::Policy check_signable_input(ByteView input, const std::string& source);

// Signs `input`. Throws Error on refusal or failure; never returns an unverified file.
SignedPolicy sign_policy(ByteView input, const std::string& source, Signer& signer,
                         const SignSettings& settings);

}  // namespace cipolicy
