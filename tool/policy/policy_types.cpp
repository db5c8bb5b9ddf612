#include "policy/policy_types.hpp"

#include <array>
#include <cctype>

namespace cipolicy::policy {
namespace {

constexpr std::array<PolicyTypeInfo, 6> kTypes = {{
    {"{A244370E-44C9-4C06-B551-F6016E563076}", "Enterprise"},
    {"{2A5A0136-F09F-498E-99CC-51099011157C}", "Revoke"},
    {"{976D12C8-CB9F-4730-BE52-54600843238E}", "SKU"},
    {"{5951A96A-E0B5-4D3D-8FB8-3E5B61030784}", "Windows Lockdown"},
    {"{4E61C68C-97F6-430B-9CD7-9B1004706770}", "ATP"},
    {"{D2BDA982-CCF6-4344-AC5B-0B44427B6816}", "Driver"},
}};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

}  // namespace

std::span<const PolicyTypeInfo> known_policy_types() {
    return kTypes;
}

std::optional<std::string_view> policy_type_name(const Guid& id) {
    for (const auto& t : kTypes)
        if (Guid::parse(t.guid) == id) return t.name;
    return std::nullopt;
}

std::optional<Guid> policy_type_by_name(std::string_view name) {
    for (const auto& t : kTypes)
        if (equal_ignoring_case(t.name, name)) return Guid::parse(t.guid);
    return std::nullopt;
}

Guid enterprise_policy_type() {
    return *Guid::parse(kTypes[0].guid);
}

}  // namespace cipolicy::policy
