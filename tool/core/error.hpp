#pragma once
// The one error type of cipolicy: a user-facing, single-line message plus the exit code that says
// what failed. Thrown inside the library, caught and printed once by the command layer.

#include <stdexcept>
#include <string>

namespace cipolicy {

// Exit codes are part of the public interface (docs/cli.md); never renumber.
enum class ExitCode : int {
    ok = 0,
    verify_failed = 1,  // verify: the file is not a valid signed policy
    usage = 2,          // bad command line
    input = 3,          // an input file is missing, unreadable or malformed
    key = 4,            // certificate or key unusable for signing
    refused = 5,        // the policy is not signable as it stands
    service = 6,        // remote signing service failed
    credential = 7,     // credentials could not be obtained
    timestamp = 8,      // timestamping failed
    partial = 9,        // a batch where some files failed and some succeeded
    output = 10,        // an output could not be written
    not_anchored = 11,  // verify: valid signature, but the chain does not reach a given root
    rules_unsatisfied =
        12,           // verify: valid signature, but the policy does not authorize its signer
    blocked = 13,     // check: a file would be blocked, or cannot be shown to be allowed offline
    audit_only = 14,  // check: a file runs only because the policy is in audit mode
    internal = 70,    // a bug: please report
};

// Warnings carry stable codes too (MSBuild shows them as CIP5nnn); never renumber.
enum class WarningCode : int {
    general = 5000,
    digest = 5001,               // SHA-384/512: only newer Windows versions accept them
    unsigned_option = 5002,      // signed although option 6 is set
    unauthorized_signer = 5003,  // signed although UpdatePolicySigners do not name the chain
    timestamp = 5004,            // signed without the timestamp that was asked for
    no_timestamp = 5005,         // a short-lived certificate signed without any timestamp
    unchecked_signer = 5006,     // signed although the chain stops below its root, so the
                                 // UpdatePolicySigners could not be checked against the root
    shared_root = 5007,          // a signer rule trusts a root shared by many customers, no EKU
    audit_only = 5014,           // check: a file runs only because the policy is in audit mode
};

struct Warning {
    WarningCode code;
    std::string message;
};

class Error : public std::runtime_error {
  public:
    Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
    ExitCode code() const noexcept { return code_; }

  private:
    ExitCode code_;
};

}  // namespace cipolicy
