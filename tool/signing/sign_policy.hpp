#pragma once
// The signing pipeline for one policy, one function per step:
//   input bytes -> check_signable_input -> sign_parts (authorization, then the signer) ->
//   timestamp::stamp -> encode_verified (the one encode, then verify) -> PendingFile (write).
// `cipolicy timestamp` joins after the signer with parts read from a file (retimestamp.hpp).

#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "policy/model.hpp"
#include "signing/sign_settings.hpp"
#include "signing/signed_parts.hpp"
#include "signing/signer.hpp"
#include "verify/verifier.hpp"

namespace cipolicy::signing {

struct SignedPolicy {
    Bytes bytes;                    // the signed file, already verified
    policy::Policy policy;          // the policy inside
    std::vector<Warning> warnings;  // for the user
};

// Parses `input` as a policy binary and refuses what Windows would not accept (Error with
// ExitCode::input or ::refused, one line naming `source`). The policy is returned for naming.
policy::Policy check_signable_input(ByteView input, const std::string& source);

// Checks the signer rules (before calling the signer when its chain is known up front), signs
// `input` and returns the parts, which view `input`. Throws Error on refusal or failure.
SignedParts sign_parts(ByteView input, const policy::Policy& policy, const std::string& source,
                       Signer& signer, const SignSettings& settings,
                       std::vector<Warning>& warnings);

// What encode_verified says when the result does not verify: "<source>: <what> does not
// verify: ..." with `code`.
struct SelfCheck {
    verify::VerifyOptions options;  // check_file_name is ignored (the file is not named yet)
    ExitCode code;
    std::string what;  // "the signed result"
};

// The one encode, then verify exactly as a user's `verify` would, before anyone can write it.
// Findings about the policy's own rules are left to the caller (checked before signing).
Bytes encode_verified(const SignedParts& parts, const SelfCheck& check, const std::string& source,
                      const Detail& detail);

// All of the above. Throws Error on refusal or failure; never returns an unverified file.
SignedPolicy sign_policy(ByteView input, const std::string& source, Signer& signer,
                         const SignSettings& settings);

}  // namespace cipolicy::signing
