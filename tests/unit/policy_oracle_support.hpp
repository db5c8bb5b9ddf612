#pragma once
// Oracle policy binaries for the policy tests: every Microsoft-made binary, including the policies
// inside the two signed files, extracted with OpenSSL so these tests do not depend on cipolicy's
// own CMS code.

#include <string>
#include <vector>

#include "core/bytes.hpp"

namespace cipolicy::test {

struct OraclePolicy {
    std::string name;  // path under oracles/
    Bytes binary;      // the policy binary itself
};

// The eContent of a PKCS#7/CMS SignedData file under oracles/. Fails the test when absent.
Bytes signed_oracle_content(const std::string& relative);

// All oracle policy binaries. Call only from [oracle] tests.
std::vector<OraclePolicy> oracle_policies();

}  // namespace cipolicy::test
