#pragma once
// Policy XML that the binary stores as secure settings: AppIDTags, the AppID Tagging Policy
// type and the rule option "Disabled:Default Windows Certificate Remapping". The names come from
// AppControl Manager, the one public implementation (docs/compiler.md says what each rests on);
// the compiler adds them and the decompiler turns them back into what the XML said.

#include <array>
#include <cstdint>
#include <string_view>

#include "policy/model.hpp"

namespace cipolicy::policy {

inline constexpr std::string_view kCertificateRemappingOption =
    "Disabled:Default Windows Certificate Remapping";

// Options an AppID Tagging Policy always has.
inline constexpr std::array<std::uint32_t, 5> kAppIdTaggingOptions = {
    option_bit::audit_mode, option_bit::umci, option_bit::enforce_store_applications,
    option_bit::advanced_boot_options_menu, option_bit::disable_script_enforcement};

// Microsoft/PolicySettings/DisabledDefaultWindowsCertificateRemappingValueName = true.
SecureSetting certificate_remapping_setting();
// WDACAppId/TaggingSettings/DefaultPolicy = true: marks an AppID Tagging Policy.
SecureSetting app_id_tagging_default_setting();
// WDACAppId/TaggingSettings/EnforceDLL = true: AppIDTags EnforceDLL="true".
SecureSetting enforce_dll_setting();
// WDACAppId/Tagging/<Key> = <string>: one AppIDTag.
bool is_app_id_tag(const SecureSetting& s);

}  // namespace cipolicy::policy
