#include "policy/setting_rules.hpp"

namespace cipolicy::policy {
namespace {

constexpr std::string_view kAppIdProvider = "WDACAppId";

SecureSetting boolean(std::string_view provider, std::string_view key, std::string_view name) {
    return {policy_string(provider), policy_string(key), policy_string(name), true};
}

}  // namespace

SecureSetting certificate_remapping_setting() {
    return boolean("Microsoft", "PolicySettings",
                   "DisabledDefaultWindowsCertificateRemappingValueName");
}

SecureSetting app_id_tagging_default_setting() {
    return boolean(kAppIdProvider, "TaggingSettings", "DefaultPolicy");
}

SecureSetting enforce_dll_setting() {
    return boolean(kAppIdProvider, "TaggingSettings", "EnforceDLL");
}

bool is_app_id_tag(const SecureSetting& s) {
    return s.provider == policy_string(kAppIdProvider) && s.key == policy_string("Tagging") &&
           s.value_name && std::holds_alternative<PolicyString>(s.value) &&
           std::get<PolicyString>(s.value).has_value();
}

}  // namespace cipolicy::policy
