#include "policy/options.hpp"

#include <array>
#include <cstdio>

namespace cipolicy::policy {
namespace {

namespace b = option_bit;

// Numbers from Microsoft's "policy rule options" table (Set-RuleOption -Option N); bits from the
// binaries Microsoft's compiler writes (see spec/policy-binary.md section 2).
constexpr std::array<RuleOptionInfo, 24> kOptions = {{
    {"Enabled:UMCI", 0, b::umci},
    {"Enabled:Boot Menu Protection", 1, b::boot_menu_protection},
    {"Required:WHQL", 2, b::whql},
    {"Enabled:Audit Mode", 3, b::audit_mode},
    {"Disabled:Flight Signing", 4, b::disable_flight_signing},
    {"Enabled:Inherit Default Policy", 5, b::inherit_default_policy},
    {"Enabled:Unsigned System Integrity Policy", 6, b::unsigned_policy},
    {"Required:EV Signers", 8, b::ev_signers},
    {"Enabled:Advanced Boot Options Menu", 9, b::advanced_boot_options_menu},
    {"Enabled:Boot Audit On Failure", 10, b::boot_audit_on_failure},
    {"Disabled:Script Enforcement", 11, b::disable_script_enforcement},
    {"Required:Enforce Store Applications", 12, b::enforce_store_applications},
    {"Enabled:Managed Installer", 13, b::managed_installer},
    {"Enabled:Intelligent Security Graph Authorization", 14, b::intelligent_security_graph},
    {"Enabled:Invalidate EAs on Reboot", 15, b::invalidate_eas_on_reboot},
    {"Enabled:Update Policy No Reboot", 16, b::update_policy_no_reboot},
    {"Enabled:Allow Supplemental Policies", 17, b::allow_supplemental_policies},
    {"Disabled:Runtime FilePath Rule Protection", 18, b::disable_runtime_filepath_protection},
    {"Enabled:Dynamic Code Security", 19, b::dynamic_code_security},
    {"Enabled:Revoked Expired As Unsigned", 20, b::revoked_expired_as_unsigned},
    {"Enabled:Windows Lockdown Trial Mode", std::nullopt, b::windows_lockdown_trial_mode},
    {"Enabled:Developer Mode Dynamic Code Trust", std::nullopt,
     b::developer_mode_dynamic_code_trust},
    {"Enabled:Secure Setting Policy", std::nullopt, b::secure_setting_policy},
    {"Enabled:Conditional Windows Lockdown Policy", std::nullopt, b::conditional_windows_lockdown},
}};

}  // namespace

std::span<const RuleOptionInfo> rule_options() {
    return kOptions;
}

const RuleOptionInfo* find_rule_option(std::string_view xml_name) {
    for (const auto& o : kOptions)
        if (o.xml_name == xml_name) return &o;
    return nullptr;
}

const RuleOptionInfo* find_rule_option_by_number(int number) {
    for (const auto& o : kOptions)
        if (o.number == number) return &o;
    return nullptr;
}

const RuleOptionInfo* find_rule_option_by_bit(std::uint32_t bit) {
    for (const auto& o : kOptions)
        if (o.bit == bit) return &o;
    return nullptr;
}

std::vector<std::string> rule_option_names(std::uint32_t word) {
    std::vector<std::string> names;
    word &= ~(b::always_set | b::supplemental);
    for (int i = 0; i < 32; ++i) {
        const std::uint32_t bit = std::uint32_t{1} << i;
        if (!(word & bit)) continue;
        if (const auto* o = find_rule_option_by_bit(bit)) {
            names.emplace_back(o->xml_name);
        } else {
            char hex[11];
            std::snprintf(hex, sizeof hex, "0x%08X", bit);
            names.emplace_back(hex);
        }
    }
    return names;
}

}  // namespace cipolicy::policy
