#pragma once
// The rule options of a policy: their XML names, the numbers Set-RuleOption uses, and the bits of
// the option word in the binary header.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cipolicy::policy {

namespace option_bit {
inline constexpr std::uint32_t umci = 0x4;
inline constexpr std::uint32_t boot_menu_protection = 0x8;
inline constexpr std::uint32_t intelligent_security_graph = 0x10;
inline constexpr std::uint32_t invalidate_eas_on_reboot = 0x20;
inline constexpr std::uint32_t windows_lockdown_trial_mode = 0x40;
inline constexpr std::uint32_t whql = 0x80;
inline constexpr std::uint32_t developer_mode_dynamic_code_trust = 0x100;
inline constexpr std::uint32_t allow_supplemental_policies = 0x400;
inline constexpr std::uint32_t disable_runtime_filepath_protection = 0x800;
inline constexpr std::uint32_t revoked_expired_as_unsigned = 0x2000;
inline constexpr std::uint32_t audit_mode = 0x10000;
inline constexpr std::uint32_t disable_flight_signing = 0x20000;
inline constexpr std::uint32_t inherit_default_policy = 0x40000;
inline constexpr std::uint32_t unsigned_policy = 0x80000;
inline constexpr std::uint32_t dynamic_code_security = 0x100000;
inline constexpr std::uint32_t ev_signers = 0x200000;
inline constexpr std::uint32_t boot_audit_on_failure = 0x400000;
inline constexpr std::uint32_t advanced_boot_options_menu = 0x800000;
inline constexpr std::uint32_t disable_script_enforcement = 0x1000000;
inline constexpr std::uint32_t enforce_store_applications = 0x2000000;
inline constexpr std::uint32_t secure_setting_policy = 0x4000000;
inline constexpr std::uint32_t managed_installer = 0x8000000;
inline constexpr std::uint32_t update_policy_no_reboot = 0x10000000;
inline constexpr std::uint32_t conditional_windows_lockdown = 0x20000000;

// Not rule options but structure: Microsoft's compiler sets the first in every policy it writes,
// and the second in (and only in) supplemental policies.
inline constexpr std::uint32_t always_set = 0x80000000;
inline constexpr std::uint32_t supplemental = 0x40000000;
}  // namespace option_bit

struct RuleOptionInfo {
    std::string_view xml_name;  // "Enabled:Unsigned System Integrity Policy"
    // Set-RuleOption's number, 0..20. Number 7 ("Allowed:Debug Policy Augmented") is documented
    // but has neither a schema name nor a bit, and options newer than the numbering have none.
    std::optional<int> number;
    std::uint32_t bit;
};

// Every option the schema names, in Set-RuleOption order, unnumbered ones last.
std::span<const RuleOptionInfo> rule_options();

// Exact, case-sensitive match, as the schema's enumeration requires.
const RuleOptionInfo* find_rule_option(std::string_view xml_name);
const RuleOptionInfo* find_rule_option_by_number(int number);
const RuleOptionInfo* find_rule_option_by_bit(std::uint32_t bit);

// The XML names of the rule-option bits set in `word`, lowest bit first; a set bit no option owns
// appears as hex ("0x00000200"). The structural bits always_set and supplemental are left out:
// they describe the policy, not an option.
std::vector<std::string> rule_option_names(std::uint32_t word);

}  // namespace cipolicy::policy
