#pragma once
// Opening a file that is either a policy binary or a signed policy.

#include <string>

#include "core/bytes.hpp"
#include "policy/model.hpp"
#include "policy/xml_source.hpp"

namespace cipolicy::cms {

struct PolicyFile {
    Bytes data;  // the whole file
    bool is_signed = false;
    Bytes policy_bytes;     // the policy binary (inside the signature when signed)
    policy::Policy policy;  // the policy (inside the signature when signed)
};

// Throws Error(input) naming the file when it is neither, and what it is instead.
PolicyFile read_policy_or_signed(const std::string& path);

// Policy XML from disk, for the commands that take XML (compile and the edits). Another kind of
// file (a binary, a signed policy, a certificate, ...) is refused naming what it is and which
// command takes it, rather than with the XML parser's complaint about its first byte.
policy::XmlSource load_policy_xml(const std::string& path, bool keep_formatting = false);

}  // namespace cipolicy::cms
