#include "policy/policy_edits.hpp"

#include <algorithm>
#include <cstring>

#include "core/error.hpp"
#include "core/setting_name.hpp"
#include "policy/eku_value.hpp"
#include "policy/xml_edit.hpp"
#include "policy/xml_values.hpp"

namespace cipolicy::policy {
namespace {

pugi::xml_node policy_root(const XmlSource& src) {
    auto root = src.document().document_element();
    if (std::strcmp(root.name(), "SiPolicy") != 0)
        src.fail(root, "the root element must be SiPolicy (is this a policy XML file?)");
    return root;
}

std::optional<Bytes> hex_value(const pugi::xml_node& e) {
    Bytes b;
    if (!from_hex(trim(e.attribute("Value").value()), b)) return std::nullopt;
    return b;
}

// The EKU with this value, or a new one.
std::string ensure_eku(XmlSource& src, pugi::xml_node root, const std::string& oid) {
    const Bytes value = oid_to_eku_value(oid);
    auto ekus = ensure_child(root, "EKUs");
    for (auto e : ekus.children("EKU"))
        if (hex_value(e) == value) return e.attribute("ID").value();
    auto e = append_indented(ekus, "EKU");
    const std::string id = unused_id(src.document(), "ID", "ID_EKU_E_");
    e.append_attribute("ID") = id.c_str();
    e.append_attribute("FriendlyName") = oid.c_str();
    e.append_attribute("Value") = to_hex(value).c_str();
    return id;
}

// A signer that says exactly "a certificate with this TBS hash and these EKUs", nothing narrower.
bool is_same_signer(const pugi::xml_node& signer, const Bytes& tbs,
                    std::vector<std::string> eku_ids) {
    const auto cert_root = signer.child("CertRoot");
    if (std::string_view(cert_root.attribute("Type").value()) != "TBS" ||
        hex_value(cert_root) != tbs)
        return false;
    std::vector<std::string> ids;
    for (auto c : signer.children()) {
        if (c.type() != pugi::node_element) continue;
        const std::string_view n = c.name();
        if (n == "CertEKU")
            ids.emplace_back(c.attribute("ID").value());
        else if (n != "CertRoot")
            return false;  // CertPublisher, FileAttribRef, ...: a narrower rule
    }
    std::sort(ids.begin(), ids.end());
    std::sort(eku_ids.begin(), eku_ids.end());
    return ids == eku_ids;
}

void ensure_listed(pugi::xml_node root, const char* list_name, const char* item,
                   const std::string& signer_id) {
    auto list = ensure_child(root, list_name);
    for (auto e : list.children(item))
        if (signer_id == e.attribute("SignerId").value()) return;
    append_indented(list, item).append_attribute("SignerId") = signer_id.c_str();
}

}  // namespace

SignerRuleResult add_signer_rule(XmlSource& src, const SignerRuleRequest& request) {
    auto root = policy_root(src);
    SignerRuleResult result;
    for (const auto& oid : request.eku_oids) {
        auto id = ensure_eku(src, root, oid);
        if (std::find(result.eku_ids.begin(), result.eku_ids.end(), id) == result.eku_ids.end())
            result.eku_ids.push_back(std::move(id));
    }
    auto signers = ensure_child(root, "Signers");
    for (auto s : signers.children("Signer"))
        if (is_same_signer(s, request.tbs_hash, result.eku_ids)) {
            result.signer_id = s.attribute("ID").value();
            break;
        }
    if (result.signer_id.empty()) {
        result.signer_id = unused_id(src.document(), "ID", "ID_SIGNER_S_");
        result.signer_added = true;
        auto s = append_indented(signers, "Signer");
        s.append_attribute("ID") = result.signer_id.c_str();
        s.append_attribute("Name") = request.name.c_str();
        auto cert_root = append_indented(s, "CertRoot");
        cert_root.append_attribute("Type") = "TBS";
        cert_root.append_attribute("Value") = to_hex(request.tbs_hash).c_str();
        for (const auto& id : result.eku_ids)
            append_indented(s, "CertEKU").append_attribute("ID") = id.c_str();
    }
    if (request.update)
        ensure_listed(root, "UpdatePolicySigners", "UpdatePolicySigner", result.signer_id);
    if (request.supplemental)
        ensure_listed(root, "SupplementalPolicySigners", "SupplementalPolicySigner",
                      result.signer_id);
    return result;
}

bool set_rule_option(XmlSource& src, const RuleOptionInfo& option, bool enabled) {
    auto root = policy_root(src);
    auto rules = root.child("Rules");
    if (!rules) {
        if (!enabled) return false;
        rules = ensure_child(root, "Rules");
    }
    std::vector<pugi::xml_node> holding;
    for (auto r : rules.children("Rule"))
        if (trim(r.child("Option").child_value()) == option.xml_name) holding.push_back(r);
    if (enabled) {
        if (!holding.empty()) return false;
        auto rule = append_indented(rules, "Rule");
        append_indented(rule, "Option").text().set(std::string(option.xml_name).c_str());
        return true;
    }
    for (auto r : holding) remove_indented(r);
    return !holding.empty();
}

Version set_policy_version(XmlSource& src, const Version& version) {
    auto root = policy_root(src);
    auto e = root.child("VersionEx");
    if (!e) src.fail(root, "missing required element VersionEx");
    const auto previous = Version::parse(trim(e.child_value())).value_or(Version{});
    e.text().set(version.to_string().c_str());
    return previous;
}

PolicyIds set_policy_ids(XmlSource& src, std::optional<Guid> new_policy_id,
                         std::optional<Guid> base) {
    auto root = policy_root(src);
    const XmlValues values(src);
    auto policy_id = root.child("PolicyID");
    auto base_id = root.child("BasePolicyID");
    if (auto type_id = root.child("PolicyTypeID")) {
        // Single-policy format: the PolicyTypeID was the policy's identity; it becomes PolicyID.
        const Guid current = values.guid_text(type_id);
        type_id.set_name("PolicyID");
        policy_id = type_id;
        policy_id.text().set(current.to_string().c_str());
        if (!base_id) base_id = insert_after_indented(policy_id, "BasePolicyID");
        base_id.text().set(current.to_string().c_str());
    }
    if (!policy_id || !base_id)
        src.fail(root, "missing PolicyTypeID, or PolicyID and BasePolicyID");
    PolicyIds ids{values.guid_text(policy_id), values.guid_text(base_id)};
    const bool was_base = ids.policy_id == ids.base_policy_id;
    if (new_policy_id) ids.policy_id = *new_policy_id;
    if (base) {
        ids.base_policy_id = *base;
        if (ids.policy_id == *base)
            throw Error(ExitCode::usage,
                        "a supplemental policy needs a PolicyID of its own, not its base's "
                        "(add " +
                            setting_name("set-id.reset") + ")");
        if (auto type = root.attribute("PolicyType"))
            type.set_value("Supplemental Policy");
        else
            root.append_attribute("PolicyType") = "Supplemental Policy";
    } else if (was_base) {
        ids.base_policy_id = ids.policy_id;
    }
    policy_id.text().set(ids.policy_id.to_string().c_str());
    base_id.text().set(ids.base_policy_id.to_string().c_str());
    return ids;
}

}  // namespace cipolicy::policy
