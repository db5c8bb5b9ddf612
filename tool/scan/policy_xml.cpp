#include "scan/policy_xml.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <sstream>
#include <vector>

namespace cipolicy::scan {

namespace {

constexpr const char* kNamespace = "urn:schemas-microsoft-com:sipolicy";
constexpr const char* kPlatformId = "{2E07F7E4-194C-4D20-B7C9-6F44A6C5A234}";
constexpr const char* kWhqlEkuId = "ID_EKU_WHQL";
// 01 <length> <OID contents> of 1.3.6.1.4.1.311.10.3.5 (Windows Hardware Driver Verification).
constexpr const char* kWhqlEkuValue = "010A2B0601040182370A0305";

void attr(pugi::xml_node e, const char* name, const std::string& value) {
    if (!value.empty()) e.append_attribute(name).set_value(value.c_str());
}

void option(pugi::xml_node rules, const char* name) {
    rules.append_child("Rule").append_child("Option").text().set(name);
}

template <typename T>
std::vector<const T*> in_name_order(const std::map<std::string, T>& items, std::string T::*name) {
    std::vector<const T*> out;
    for (const auto& [id, item] : items) out.push_back(&item);
    std::stable_sort(out.begin(), out.end(),
                     [&](const T* a, const T* b) { return a->*name < b->*name; });
    return out;  // ties keep ID order (the map's)
}

void scenario(pugi::xml_node list, const RuleSet& rules, const ScenarioRules& sc, int value,
              const char* id, const std::string& name) {
    auto s = list.append_child("SigningScenario");
    attr(s, "Value", std::to_string(value));
    attr(s, "ID", id);
    attr(s, "FriendlyName", name);
    auto product = s.append_child("ProductSigners");
    if (!sc.allowed_signers.empty()) {
        auto allowed = product.append_child("AllowedSigners");
        for (const SignerXml* signer : in_name_order(rules.signers, &SignerXml::name))
            if (sc.allowed_signers.count(signer->id))
                attr(allowed.append_child("AllowedSigner"), "SignerId", signer->id);
    }
    if (!sc.file_rules.empty()) {
        auto refs = product.append_child("FileRulesRef");
        for (const FileRuleXml* rule : in_name_order(rules.file_rules, &FileRuleXml::friendly_name))
            if (sc.file_rules.count(rule->id))
                attr(refs.append_child("FileRuleRef"), "RuleID", rule->id);
    }
}

}  // namespace

std::string write_scan_policy(const RuleSet& rules, const PolicyHeader& header) {
    pugi::xml_document doc;
    auto root = doc.append_child("SiPolicy");
    attr(root, "xmlns", kNamespace);
    attr(root, "PolicyType", header.supplemental ? "Supplemental Policy" : "Base Policy");
    attr(root, "FriendlyName", header.name);
    root.append_child("VersionEx").text().set("10.0.0.0");
    root.append_child("PolicyID").text().set(header.policy_id.c_str());
    root.append_child("BasePolicyID").text().set(header.base_policy_id.c_str());
    root.append_child("PlatformID").text().set(kPlatformId);
    auto options = root.append_child("Rules");
    // Unsigned until `add-signer` and `sign`; a base starts in audit mode, as New-CIPolicy's do.
    option(options, "Enabled:Unsigned System Integrity Policy");
    if (!header.supplemental) {
        option(options, "Enabled:Audit Mode");
        option(options, "Enabled:Allow Supplemental Policies");
        if (!rules.user.allowed_signers.empty() || !rules.user.file_rules.empty())
            option(options, "Enabled:UMCI");
        option(options, "Enabled:Update Policy No Reboot");
    }
    auto ekus = root.append_child("EKUs");
    const bool whql = std::any_of(rules.signers.begin(), rules.signers.end(),
                                  [](const auto& s) { return s.second.whql_eku; });
    if (whql) {
        auto e = ekus.append_child("EKU");
        attr(e, "ID", kWhqlEkuId);
        attr(e, "FriendlyName", "Windows Hardware Driver Verification");
        attr(e, "Value", kWhqlEkuValue);
    }
    auto file_rules = root.append_child("FileRules");
    for (const FileRuleXml* r : in_name_order(rules.file_rules, &FileRuleXml::friendly_name)) {
        auto e = file_rules.append_child(r->file_attrib ? "FileAttrib" : "Allow");
        attr(e, "ID", r->id);
        attr(e, "FriendlyName", r->friendly_name);
        attr(e, "FileName", r->file_name);
        attr(e, "MinimumFileVersion", r->minimum_file_version);
        attr(e, "Hash", r->hash);
        attr(e, "FilePath", r->file_path);
    }
    auto signers = root.append_child("Signers");
    for (const SignerXml* s : in_name_order(rules.signers, &SignerXml::name)) {
        auto e = signers.append_child("Signer");
        attr(e, "ID", s->id);
        attr(e, "Name", s->name);
        auto cert_root = e.append_child("CertRoot");
        attr(cert_root, "Type", "TBS");
        attr(cert_root, "Value", s->tbs);
        if (s->whql_eku) attr(e.append_child("CertEKU"), "ID", kWhqlEkuId);
        if (!s->publisher.empty()) attr(e.append_child("CertPublisher"), "Value", s->publisher);
        if (!s->oem_id.empty()) attr(e.append_child("CertOemID"), "Value", s->oem_id);
        for (const std::string& ref : s->file_attrib_ids)
            attr(e.append_child("FileAttribRef"), "RuleID", ref);
    }
    auto scenarios = root.append_child("SigningScenarios");
    scenario(scenarios, rules, rules.kernel, pe::kKernelScenario, "ID_SIGNINGSCENARIO_DRIVERS_1",
             header.name + " (kernel mode)");
    scenario(scenarios, rules, rules.user, pe::kUserScenario, "ID_SIGNINGSCENARIO_WINDOWS",
             header.name + " (user mode)");
    root.append_child("UpdatePolicySigners");
    auto ci = root.append_child("CiSigners");
    // User-mode signers are CiSigners too, as New-CIPolicy -UserPEs writes them.
    for (const SignerXml* s : in_name_order(rules.signers, &SignerXml::name))
        if (rules.user.allowed_signers.count(s->id))
            attr(ci.append_child("CiSigner"), "SignerId", s->id);
    root.append_child("HvciOptions").text().set("0");
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_default | pugi::format_no_declaration, pugi::encoding_utf8);
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + out.str();
}

}  // namespace cipolicy::scan
