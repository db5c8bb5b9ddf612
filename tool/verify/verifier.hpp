#pragma once
// `verify`: applies Windows' rules for signed policies (spec/signed-policy.md section 5).

#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "crypto/certificate.hpp"
#include "policy/model.hpp"
#include "verify/report.hpp"

namespace cipolicy::verify {

struct VerifyOptions {
    std::vector<crypto::Certificate> roots;  // --root: the chain must reach one of these
    std::vector<crypto::Certificate>
        timestamp_roots;                 // --timestamp-root: a timestamp must chain here
    std::optional<policy::Policy> base;  // --base: for supplemental policies
    bool check_file_name = true;         // warn when not {PolicyID}.cip / SiPolicy.p7b
};

// Never throws for bad input: every problem becomes a finding. `file` names the input (its file
// name is checked against Windows' naming rules).
VerifyReport verify_signed_policy(ByteView data, const std::string& file,
                                  const VerifyOptions& options);

}  // namespace cipolicy::verify
