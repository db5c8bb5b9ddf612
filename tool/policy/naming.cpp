#include "policy/naming.hpp"

namespace cipolicy::policy {

std::string signed_file_name(const Policy& p) {
    return p.is_multiple_policy_format() ? p.policy_id().to_string() + ".cip" : "SiPolicy.p7b";
}

}  // namespace cipolicy::policy
