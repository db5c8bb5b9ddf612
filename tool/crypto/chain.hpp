#pragma once
// Ordering certificates into a chain, and building a verified path to a trusted root.

#include <optional>
#include <string>
#include <vector>

#include "crypto/certificate.hpp"

namespace cipolicy::crypto {

// `leaf`, then each issuer found in `pool` by subject name, until a self-issued certificate or
// no issuer is found. Certificates of `pool` that are not on the path are left out.
std::vector<Certificate> order_chain(const Certificate& leaf, const std::vector<Certificate>& pool);

// The self-issued certificates of `chain` (the roots a signer may offer as trust anchors).
std::vector<Certificate> self_issued(const std::vector<Certificate>& chain);

// The part of an ordered chain that goes into a signed file: everything but a self-issued root.
std::vector<Certificate> without_root(const std::vector<Certificate>& chain);

// Builds and checks a path from `leaf` through `intermediates` to one of `roots` (signatures and
// CA constraints; not validity dates, which Windows does not apply to policy signatures).
// Returns nullopt on success, otherwise the reason.
std::optional<std::string> check_path(const Certificate& leaf,
                                      const std::vector<Certificate>& intermediates,
                                      const std::vector<Certificate>& roots);

}  // namespace cipolicy::crypto
