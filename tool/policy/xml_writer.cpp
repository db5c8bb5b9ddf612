#include "policy/xml_writer.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <sstream>

#include <pugixml.hpp>

#include "core/error.hpp"
#include "policy/compile_order.hpp"
#include "policy/setting_rules.hpp"
#include "policy/xml_source.hpp"
#include "policy/xml_values.hpp"

namespace cipolicy::policy {
namespace {

std::string utf8(const std::u16string& s) {
    return utf16_to_utf8(s);
}

void set(pugi::xml_node e, const char* name, const std::string& value) {
    e.append_attribute(name).set_value(value.c_str());
}
void set(pugi::xml_node e, const char* name, const PolicyString& value) {
    if (value) set(e, name, utf8(*value));
}
void text(pugi::xml_node parent, const char* name, const std::string& value) {
    parent.append_child(name).text().set(value.c_str());
}

std::string rule_id(const FileRule& r, std::size_t index) {
    const char* prefix = r.type == FileRuleType::deny    ? "ID_DENY_D_"
                         : r.type == FileRuleType::allow ? "ID_ALLOW_A_"
                                                         : "ID_FILEATTRIB_F_";
    return prefix + std::to_string(index + 1);
}
std::string signer_id(std::size_t i) {
    return "ID_SIGNER_S_" + std::to_string(i + 1);
}
std::string scenario_id(std::size_t i) {
    return "ID_SIGNINGSCENARIO_S_" + std::to_string(i + 1);
}
std::string eku_id(std::size_t i) {
    return "ID_EKU_E_" + std::to_string(i + 1);
}

// The fewest big-endian bytes, at least one: "06" for Windows' well-known root 6.
std::string wellknown_hex(std::uint32_t id) {
    Bytes b;
    for (int shift = 24; shift >= 0; shift -= 8)
        if (!b.empty() || (id >> shift) & 0xFF || shift == 0)
            b.push_back(static_cast<std::uint8_t>(id >> shift));
    return to_hex(b);
}

class Writer {
  public:
    explicit Writer(const Policy& p) : p_(p) {}

    PolicyXml write() {
        auto root = doc_.append_child("SiPolicy");
        set(root, "xmlns", std::string(kSiPolicyNamespace));
        classify_settings();
        set(root, "PolicyType",
            p_.is_supplemental() ? "Supplemental Policy"
            : app_id_tagging_    ? "AppID Tagging Policy"
                                 : "Base Policy");
        if (p_.is_supplemental() && !p_.is_multiple_policy_format())
            warn("the policy is supplemental but in single-policy format, which XML cannot say");
        if (!p_.options.has(option_bit::always_set))
            warn("the option word lacks 0x80000000, which every compiled policy has");

        text(root, "VersionEx", p_.version.to_string());
        if (const auto* m = std::get_if<MultiplePolicyFormat>(&p_.identity)) {
            text(root, "PolicyID", m->policy_id.to_string());
            text(root, "BasePolicyID", m->base_policy_id.to_string());
        } else {
            text(root, "PolicyTypeID", p_.header_id().to_string());
        }
        if (!p_.platform_id.is_nil()) text(root, "PlatformID", p_.platform_id.to_string());
        options(root.append_child("Rules"));
        auto ekus = root.append_child("EKUs");
        for (std::size_t i = 0; i < p_.ekus.size(); ++i) {
            auto e = ekus.append_child("EKU");
            set(e, "ID", eku_id(i));
            set(e, "Value", to_hex(p_.ekus[i].value));
            if (!p_.ekus[i].xml.friendly_name.empty())
                set(e, "FriendlyName", p_.ekus[i].xml.friendly_name);
        }
        file_rules(root.append_child("FileRules"));
        if (!p_.artifact_rules.empty()) artifact_rules(root.append_child("ArtifactRules"));
        signers(root.append_child("Signers"));
        auto scenarios = root.append_child("SigningScenarios");
        for (std::size_t i = 0; i < p_.signing_scenarios.size(); ++i)
            scenario(scenarios.append_child("SigningScenario"), i);
        signer_list(root.append_child("UpdatePolicySigners"), "UpdatePolicySigner",
                    p_.update_policy_signers);
        signer_list(root.append_child("CiSigners"), "CiSigner", p_.ci_signers);
        text(root, "HvciOptions", std::to_string(p_.hvci_options));
        settings(root.append_child("Settings"));
        macros(root);
        if (!p_.supplemental_policy_signers.empty())
            signer_list(root.append_child("SupplementalPolicySigners"), "SupplementalPolicySigner",
                        p_.supplemental_policy_signers);

        // The one declaration is written here; pugixml adds none (format_no_declaration).
        std::ostringstream out;
        doc_.save(out, "  ", pugi::format_default | pugi::format_no_declaration,
                  pugi::encoding_utf8);
        PolicyXml result;
        result.text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + out.str();
        result.warnings = std::move(warnings_);
        return result;
    }

  private:
    void warn(std::string text) { warnings_.push_back(std::move(text)); }

    // Settings that XML says otherwise: the AppID Tagging Policy type, AppIDTags and the
    // certificate remapping option (setting_rules.hpp).
    void classify_settings() {
        setting_as_.assign(p_.settings.size(), SettingAs::setting);
        for (std::size_t i = 0; i < p_.settings.size(); ++i) {
            const auto& s = p_.settings[i];
            if (s == certificate_remapping_setting()) {
                setting_as_[i] = SettingAs::option;
            } else if (s == app_id_tagging_default_setting() && !p_.is_supplemental()) {
                setting_as_[i] = SettingAs::policy_type;
                app_id_tagging_ = true;
            }
        }
        if (!app_id_tagging_) return;
        // The tags go to the first user-mode scenario, where an AppID Tagging Policy has them.
        for (std::size_t i = 0; i < p_.signing_scenarios.size() && !tag_scenario_; ++i)
            if (p_.signing_scenarios[i].value == kUserModeScenario) tag_scenario_ = i;
        if (!tag_scenario_) return;
        for (std::size_t i = 0; i < p_.settings.size(); ++i) {
            if (is_app_id_tag(p_.settings[i])) setting_as_[i] = SettingAs::tag;
            if (p_.settings[i] == enforce_dll_setting()) setting_as_[i] = SettingAs::enforce_dll;
        }
    }

    void options(pugi::xml_node rules) {
        const std::uint32_t word =
            p_.options.word() & ~(option_bit::always_set | option_bit::supplemental);
        for (const auto& info : rule_options())
            if (word & info.bit)
                text(rules.append_child("Rule"), "Option", std::string(info.xml_name));
        if (std::find(setting_as_.begin(), setting_as_.end(), SettingAs::option) !=
            setting_as_.end())
            text(rules.append_child("Rule"), "Option", std::string(kCertificateRemappingOption));
        std::uint32_t unknown = word;
        for (const auto& info : rule_options()) unknown &= ~info.bit;
        if (unknown) {
            char hex[16];
            std::snprintf(hex, sizeof hex, "0x%08X", unknown);
            warn(std::string("option bits ") + hex + " have no name and are left out");
        }
    }

    void file_rules(pugi::xml_node list) {
        const auto& rules = p_.file_rules;
        auto order = document_order_for(rules);
        if (order.empty() && !rules.empty()) {
            warn("the file rules are not in compiled order; recompiling will reorder them");
            for (std::uint32_t i = 0; i < rules.size(); ++i) order.push_back(i);
        }
        for (const auto index : order) {
            const FileRule& r = rules[index];
            auto e = list.append_child(r.type == FileRuleType::deny    ? "Deny"
                                       : r.type == FileRuleType::allow ? "Allow"
                                                                       : "FileAttrib");
            set(e, "ID", rule_id(r, index));
            if (!r.xml.friendly_name.empty()) set(e, "FriendlyName", r.xml.friendly_name);
            set(e, "FileName", r.file_name);
            set(e, "InternalName", r.internal_name);
            set(e, "FileDescription", r.file_description);
            set(e, "ProductName", r.product_name);
            set(e, "PackageFamilyName", r.package_family_name);
            if (r.package_version != Version{})
                set(e, "PackageVersion", r.package_version.to_string());
            // A Deny without versions would get the compiler's default: always say it.
            if (r.type == FileRuleType::deny || r.minimum_version != Version{})
                set(e, "MinimumFileVersion", r.minimum_version.to_string());
            if (r.maximum_version != Version{})
                set(e, "MaximumFileVersion", r.maximum_version.to_string());
            if (!r.hash.empty()) set(e, "Hash", to_hex(r.hash));
            set(e, "FilePath", r.file_path);
            if (!r.app_ids.empty()) set(e, "AppIDs", app_ids(r, index));
            hotpatch(e, index);
        }
    }
    void hotpatch(pugi::xml_node e, std::size_t index) {
        for (const auto& h : p_.hotpatch) {
            if (h.base == index) set(e, "RequireHotpatchID", ref(h.target));
            if (h.target == index && !e.attribute("MinimumHotpatchSequence")) {
                if (h.minimum_sequence != 0)
                    set(e, "MinimumHotpatchSequence", std::to_string(h.minimum_sequence));
                if (h.maximum_sequence != 0xFFFFFFFF)
                    set(e, "MaximumHotpatchSequence", std::to_string(h.maximum_sequence));
            }
        }
    }

    static std::string artifact_id(std::size_t i) {
        return "ID_ARTIFACT_A_" + std::to_string(i + 1);
    }
    void artifact_rules(pugi::xml_node list) {
        for (std::size_t i = 0; i < p_.artifact_rules.size(); ++i) {
            const ArtifactRule& a = p_.artifact_rules[i];
            auto e = list.append_child("ArtifactRule");
            set(e, "ID", artifact_id(i));
            if (!a.xml.friendly_name.empty()) set(e, "FriendlyName", a.xml.friendly_name);
            set(e, "ArtifactType", a.type == ArtifactType::cim ? "CIM" : "Catalog");
            set(e, "Action", a.action == ArtifactAction::allow ? "Allow" : "Deny");
            set(e, "ArtifactName", a.name);
            set(e, "ArtifactDescription", a.description);
            set(e, "MinimumVersion", a.minimum_version.to_string());
            set(e, "MaximumVersion", a.maximum_version.to_string());
            if (a.hash.empty()) continue;
            const char* algo = a.hash.size() == 32   ? "sha256"
                               : a.hash.size() == 48 ? "sha384"
                               : a.hash.size() == 64 ? "sha512"
                                                     : nullptr;
            if (!algo)
                throw Error(ExitCode::input, "policy: artifact rule " + std::to_string(i) +
                                                 " has a hash of " + std::to_string(a.hash.size()) +
                                                 " bytes, which XML cannot say");
            text(e.append_child("ArtifactHash").append_child("Hash"), algo, to_hex(a.hash));
        }
    }

    // One value that does not start with '$' is written as it is; anything else as macro
    // references, one Macro per distinct value (the schema's AppIdType).
    std::string app_ids(const FileRule& r, std::size_t index) {
        for (const auto& id : r.app_ids)
            if (!id || id->empty())
                throw Error(ExitCode::input, "policy: file rule " + std::to_string(index) +
                                                 " has an empty AppID, which XML cannot say");
        if (r.app_ids.size() == 1 && r.app_ids[0]->front() != u'$') return utf8(*r.app_ids[0]);
        std::string refs;
        for (const auto& id : r.app_ids) {
            auto it = std::find(macros_.begin(), macros_.end(), *id);
            if (it == macros_.end()) it = macros_.insert(macros_.end(), *id);
            refs += "$(" + macro_id(static_cast<std::size_t>(it - macros_.begin())) + ")";
        }
        return refs;
    }
    static std::string macro_id(std::size_t i) { return "AppID_" + std::to_string(i + 1); }
    void macros(pugi::xml_node root) {
        if (macros_.empty()) return;
        auto list = root.append_child("Macros");
        for (std::size_t i = 0; i < macros_.size(); ++i) {
            auto m = list.append_child("Macro");
            set(m, "Id", macro_id(i));
            set(m, "Value", utf8(macros_[i]));
        }
    }

    void signers(pugi::xml_node list) {
        for (std::size_t i = 0; i < p_.signers.size(); ++i) {
            const SignerRule& s = p_.signers[i];
            auto e = list.append_child("Signer");
            set(e, "ID", signer_id(i));
            set(e, "Name", signer_name(s, i));
            if (s.sign_time_after) set(e, "SignTimeAfter", format_xml_datetime(s.sign_time_after));
            auto root = e.append_child("CertRoot");
            if (const auto* tbs = std::get_if<TbsRoot>(&s.root)) {
                set(root, "Type", "TBS");
                set(root, "Value", to_hex(tbs->tbs_hash));
            } else {
                set(root, "Type", "Wellknown");
                set(root, "Value", wellknown_hex(std::get<WellKnownRoot>(s.root).id));
            }
            for (auto eku : s.cert_ekus) set(e.append_child("CertEKU"), "ID", eku_id(eku));
            for (auto eku : s.except_cert_ekus) {
                auto c = e.append_child("CertEKU");
                set(c, "ID", eku_id(eku));
                set(c, "Condition", "Except");
            }
            if (s.cert_issuer) set(e.append_child("CertIssuer"), "Value", s.cert_issuer);
            if (s.cert_publisher) set(e.append_child("CertPublisher"), "Value", s.cert_publisher);
            if (s.cert_oem_id) set(e.append_child("CertOemID"), "Value", s.cert_oem_id);
            for (auto r : s.file_attrib_refs)
                set(e.append_child("FileAttribRef"), "RuleID", ref(r));
            for (auto r : s.artifact_rule_refs)
                set(e.append_child("ArtifactRuleRef"), "RuleID", artifact_id(r));
        }
    }
    // The binary keeps no signer names; the publisher or issuer is the most telling stand-in.
    static std::string signer_name(const SignerRule& s, std::size_t i) {
        if (!s.xml.friendly_name.empty()) return s.xml.friendly_name;
        if (s.cert_publisher) return utf8(*s.cert_publisher);
        if (s.cert_issuer) return utf8(*s.cert_issuer);
        return "Signer " + std::to_string(i + 1);
    }
    std::string ref(std::uint32_t rule) const {
        if (rule >= p_.file_rules.size())
            throw Error(ExitCode::input, "policy: a file rule index (" + std::to_string(rule) +
                                             ") points past the file rules");
        return rule_id(p_.file_rules[rule], rule);
    }

    void scenario(pugi::xml_node e, std::size_t i) {
        const SigningScenario& s = p_.signing_scenarios[i];
        set(e, "Value", std::to_string(s.value));
        set(e, "ID", scenario_id(i));
        if (!s.xml.friendly_name.empty()) set(e, "FriendlyName", s.xml.friendly_name);
        if (!s.inherited_scenarios.empty()) {
            std::string ids;
            for (auto x : s.inherited_scenarios) ids += (ids.empty() ? "" : ",") + scenario_id(x);
            set(e, "InheritedScenarios", ids);
        }
        if (s.minimum_hash_algorithm != kSha256HashAlgorithm)
            set(e, "MinimumHashAlgorithm", std::to_string(s.minimum_hash_algorithm));
        group(e.append_child("ProductSigners"), s.product_signers);
        if (s.test_signers != SignerGroup{}) group(e.append_child("TestSigners"), s.test_signers);
        if (s.test_signing_signers != SignerGroup{})
            group(e.append_child("TestSigningSigners"), s.test_signing_signers);
        if (s.artifact_signers != ArtifactSignerGroup{}) {
            auto a = e.append_child("ArtifactSigners");
            signers_of(a, s.artifact_signers);
            if (!s.artifact_signers.artifact_rules_ref.empty()) {
                auto list = a.append_child("ArtifactRulesRef");
                for (auto r : s.artifact_signers.artifact_rules_ref)
                    set(list.append_child("ArtifactRuleRef"), "RuleID", artifact_id(r));
            }
        }
        if (tag_scenario_ == i) app_id_tags(e.append_child("AppIDTags"));
    }

    void app_id_tags(pugi::xml_node tags) {
        for (std::size_t i = 0; i < p_.settings.size(); ++i) {
            if (setting_as_[i] == SettingAs::enforce_dll) set(tags, "EnforceDLL", "true");
            if (setting_as_[i] != SettingAs::tag) continue;
            auto t = tags.append_child("AppIDTag");
            set(t, "Key", p_.settings[i].value_name);
            set(t, "Value", std::get<PolicyString>(p_.settings[i].value));
        }
    }

    template <typename Group>
    void signers_of(pugi::xml_node e, const Group& g) {
        if (!g.allowed.empty()) {
            auto list = e.append_child("AllowedSigners");
            for (const auto& a : g.allowed) {
                auto s = list.append_child("AllowedSigner");
                set(s, "SignerId", signer_id(a.signer));
                for (auto r : a.except_deny_rules)
                    set(s.append_child("ExceptDenyRule"), "DenyRuleID", ref(r));
            }
        }
        if (!g.denied.empty()) {
            auto list = e.append_child("DeniedSigners");
            for (const auto& d : g.denied) {
                auto s = list.append_child("DeniedSigner");
                set(s, "SignerId", signer_id(d.signer));
                for (auto r : d.except_allow_rules)
                    set(s.append_child("ExceptAllowRule"), "AllowRuleID", ref(r));
            }
        }
    }
    void group(pugi::xml_node e, const SignerGroup& g) {
        signers_of(e, g);
        if (!g.file_rules_ref.empty()) {
            auto list = e.append_child("FileRulesRef");
            for (auto r : g.file_rules_ref) set(list.append_child("FileRuleRef"), "RuleID", ref(r));
        }
    }

    void signer_list(pugi::xml_node list, const char* item,
                     const std::vector<std::uint32_t>& signers) {
        for (auto s : signers) set(list.append_child(item), "SignerId", signer_id(s));
    }

    void settings(pugi::xml_node list) {
        for (std::size_t i = 0; i < p_.settings.size(); ++i) {
            if (setting_as_[i] != SettingAs::setting) continue;
            const auto& s = p_.settings[i];
            auto e = list.append_child("Setting");
            set(e, "Provider", s.provider ? utf8(*s.provider) : std::string());
            set(e, "Key", s.key ? utf8(*s.key) : std::string());
            set(e, "ValueName", s.value_name ? utf8(*s.value_name) : std::string());
            auto v = e.append_child("Value");
            switch (s.value.index()) {
                case 0:
                    text(v, "Boolean", std::get<bool>(s.value) ? "true" : "false");
                    break;
                case 1:
                    text(v, "DWord", std::to_string(std::get<std::uint32_t>(s.value)));
                    break;
                case 2:
                    text(v, "Binary", to_hex(std::get<Bytes>(s.value)));
                    break;
                case 3: {
                    const auto& str = std::get<PolicyString>(s.value);
                    text(v, "String", str ? utf8(*str) : std::string());
                    break;
                }
            }
        }
    }

    const Policy& p_;
    pugi::xml_document doc_;
    std::vector<std::string> warnings_;
    std::vector<std::u16string> macros_;  // AppID values, in order of first use
    enum class SettingAs { setting, option, policy_type, tag, enforce_dll };
    std::vector<SettingAs> setting_as_;  // per setting, what the XML says instead
    bool app_id_tagging_ = false;
    std::optional<std::size_t> tag_scenario_;
};

}  // namespace

PolicyXml write_policy_xml(const Policy& policy) {
    return Writer(policy).write();
}

}  // namespace cipolicy::policy
