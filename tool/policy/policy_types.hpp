#pragma once
// The PolicyTypeIDs Windows knows, for naming single-policy-format policies.

#include <optional>
#include <span>
#include <string_view>

#include "policy/guid.hpp"

namespace cipolicy::policy {

struct PolicyTypeInfo {
    std::string_view guid;  // "{A244370E-44C9-4C06-B551-F6016E563076}"
    std::string_view name;  // "Enterprise"
};

std::span<const PolicyTypeInfo> known_policy_types();

// "Enterprise", "Driver", ...; nullopt for a GUID Windows does not define.
std::optional<std::string_view> policy_type_name(const Guid& id);

// Case-insensitive on the name.
std::optional<Guid> policy_type_by_name(std::string_view name);

// The PolicyTypeID of SiPolicy.p7b, the usual single-policy-format policy.
Guid enterprise_policy_type();

}  // namespace cipolicy::policy
