#pragma once
// The file name Windows loads a signed policy from.

#include <string>

#include "policy/model.hpp"

namespace cipolicy::policy {

// "{PolicyID}.cip" for the multiple-policy format, "SiPolicy.p7b" for the single-policy format.
std::string signed_file_name(const Policy& p);

}  // namespace cipolicy::policy
