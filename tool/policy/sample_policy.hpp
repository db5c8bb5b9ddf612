#pragma once
// A small base policy that a development root may sign and update: what the README's demo signs.

#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "policy/guid.hpp"
#include "policy/model.hpp"

namespace cipolicy::policy {

// Multiple-policy format 8 base policy (PolicyID = BasePolicyID = `policy_id`) that allows every
// file in kernel and user mode, in audit mode, and requires signed updates: one signer whose
// CertRoot is `update_signer_tbs_hash` (the TBS hash of the certificate to trust) serves as
// UpdatePolicySigner and SupplementalPolicySigner. Options: UMCI, Audit Mode, Update Policy No
// Reboot, Allow Supplemental Policies; not Unsigned System Integrity Policy. Each of
// `eku_oids` becomes a CertEKU of that signer: the signing certificate must carry it.
Policy make_signable_base_policy(Bytes update_signer_tbs_hash, Guid policy_id,
                                 const std::vector<std::string>& eku_oids = {});

}  // namespace cipolicy::policy
