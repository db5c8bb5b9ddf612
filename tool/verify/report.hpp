#pragma once
// The outcome of verifying one signed policy: a verdict and the findings that led to it.

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/error.hpp"

namespace cipolicy::verify {

enum class CheckStatus { pass, warn, fail, info };

// Which part of the checklist a finding belongs to; decides the verdict.
enum class CheckArea { structure, signature, chain, timestamp, policy, file_name };

struct Finding {
    CheckArea area;
    CheckStatus status;
    std::string check;    // short stable name: "signeddata-version", "signature", ...
    std::string message;  // one line for people
};

enum class Verdict {
    valid,              // Windows will accept it (as far as a file can tell)
    invalid,            // structure, signature or timestamp is wrong
    not_anchored,       // valid signature, but the chain does not reach a supplied root
    rules_unsatisfied,  // valid signature, but the policy does not authorize its signer
};

struct SignedPolicyFacts {
    std::string digest;
    std::string signer_subject, signer_issuer, signer_serial;
    std::vector<std::string> chain;  // subjects, leaf first
    std::string policy_id, base_policy_id;
    std::string timestamp;  // empty when none
};

struct VerifyReport {
    std::string file;
    std::vector<Finding> findings;
    SignedPolicyFacts facts;

    void add(CheckArea area, CheckStatus status, std::string check, std::string message);
    bool has_failure(CheckArea area) const;
    Verdict verdict() const;
};

std::string_view verdict_text(Verdict v);
ExitCode exit_code(Verdict v);
nlohmann::json to_json(const VerifyReport& report);

}  // namespace cipolicy::verify
