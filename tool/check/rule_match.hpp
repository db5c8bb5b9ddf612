#pragma once
// Does one rule of a policy apply to one file? File rules (Hash, FileName-level attributes with a
// version range, FilePath) and signer rules (CertRoot, CertEKU, CertIssuer, CertPublisher,
// CertOemID, FileAttribRef) against the file's facts. docs/check.md gives each rule's source.

#include <string>

#include "check/file_facts.hpp"
#include "pe/pe_file.hpp"
#include "policy/model.hpp"

namespace cipolicy::check {

// Version ranges read differently in allow and deny rules (a lone minimum is a floor for an
// allow, a ceiling for a deny), and a FileAttrib takes the meaning of the signer list that
// references it.
enum class Context { allow, deny };

struct Match {
    enum State { no, yes, unknown } state = no;
    std::string why;  // yes: what matched; unknown: what only the machine knows; no: may be empty
    static Match none() { return {}; }
};

Match match_file_rule(const policy::FileRule& rule, const FileFacts& file, Context context);

// The signer rule against one usable signature; FileAttribRefs are checked against the file.
Match match_signer(const policy::Policy& policy, const policy::SignerRule& signer,
                   const pe::Signature& signature, const FileFacts& file, Context context);

}  // namespace cipolicy::check
