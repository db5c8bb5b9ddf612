#pragma once
// How one signing run treats every policy: digest, overrides, timestamping, roots, verbosity.

#include <functional>
#include <string>
#include <vector>

#include "crypto/certificate.hpp"
#include "crypto/digest.hpp"
#include "timestamp/client.hpp"

namespace cipolicy::signing {

// A line for --verbose; calling an empty one does nothing (see report_detail).
using Detail = std::function<void(const std::string&)>;
inline void report_detail(const Detail& detail, const std::string& line) {
    if (detail) detail(line);
}

struct SignSettings {
    crypto::DigestAlgorithm digest = crypto::DigestAlgorithm::sha256;
    // Overrides for policies Windows will not accept; each produces a warning.
    bool allow_unsigned_option = false;      // option 6 still set
    bool allow_unauthorized_signer = false;  // UpdatePolicySigners do not name the chain
    // RFC 3161 timestamping; none when null.
    timestamp::TsaClient* timestamper = nullptr;
    bool timestamp_optional = false;  // a failed timestamp becomes a warning instead of an error
    // Roots the user named (--root): they complete a chain that stops below its root, so that the
    // UpdatePolicySigners check is decisive; the chain must then reach one of them.
    std::vector<crypto::Certificate> roots;
    // Each step, for --verbose ("chain ordered: ...", "timestamp from ..."); none when empty.
    Detail detail;
};

}  // namespace cipolicy::signing
