#include "policy/xml_reader.hpp"

#include <cstring>
#include <initializer_list>
#include <string>
#include <unordered_map>

#include "core/error.hpp"
#include "core/quote.hpp"
#include "core/suggest.hpp"
#include "policy/xml_values.hpp"

namespace cipolicy::policy {
namespace {

using Names = std::initializer_list<const char*>;

bool is_one_of(const char* name, Names names) {
    for (const char* n : names)
        if (std::strcmp(name, n) == 0) return true;
    return false;
}

// IDs of one kind (EKUs, file rules, signers, scenarios) and where each was defined.
struct IdTable {
    const char* kind;
    std::unordered_map<std::string, std::pair<std::uint32_t, pugi::xml_node>> ids;
};

class Reader {
  public:
    explicit Reader(const XmlSource& src) : src_(src), values_(src) {}

    Policy read() {
        const auto root = src_.document().document_element();
        if (std::strcmp(root.name(), "SiPolicy") != 0)
            src_.fail(root, "the root element must be SiPolicy (is this a policy XML file?)");
        if (trim(root.attribute("xmlns").value()) != kSiPolicyNamespace)
            src_.fail(root, "xmlns", "the namespace must be " + std::string(kSiPolicyNamespace));
        for (const auto a : root.attributes()) {
            const std::string_view n = a.name();
            if (n != "xmlns" && n != "FriendlyName" && n != "PolicyType" &&
                !n.starts_with("xmlns:") && !n.starts_with("xsi:"))
                src_.fail(root, a.name(), "attribute not allowed here");
        }
        expect_children(
            root, {"VersionEx", "PolicyTypeID", "PlatformID", "PolicyID", "BasePolicyID", "Rules",
                   "EKUs", "FileRules", "Signers", "SigningScenarios", "UpdatePolicySigners",
                   "CiSigners", "HvciOptions", "Settings", "Macros", "SupplementalPolicySigners"});
        if (const auto macros = single(root, "Macros"))
            src_.fail(macros, "Macros are not supported yet (expand them before compiling)");

        p_.version = values_.version_text(text_child(root, "VersionEx", true));
        if (const auto platform = text_child(root, "PlatformID"))
            p_.platform_id = values_.guid_text(platform);
        identity(root);
        options(root);
        ekus(single(root, "EKUs"));
        file_rules(single(root, "FileRules"));
        signers(single(root, "Signers"));
        p_.update_policy_signers =
            signer_list(single(root, "UpdatePolicySigners"), "UpdatePolicySigner");
        p_.ci_signers = signer_list(single(root, "CiSigners"), "CiSigner");
        p_.supplemental_policy_signers =
            signer_list(single(root, "SupplementalPolicySigners"), "SupplementalPolicySigner");
        scenarios(single(root, "SigningScenarios"));
        if (const auto hvci = text_child(root, "HvciOptions"))
            p_.hvci_options =
                static_cast<std::uint32_t>(*values_.number(hvci, nullptr, 0xFFFFFFFF));
        settings(single(root, "Settings"));

        if (!p_.is_unsigned_policy_allowed() && p_.update_policy_signers.empty())
            src_.fail(root,
                      "a policy without option 'Enabled:Unsigned System Integrity Policy' must "
                      "name an UpdatePolicySigner (add one with 'cipolicy add-signer --update', "
                      "or add the option)");
        return std::move(p_);
    }

  private:
    // Element children only; fails on any element not in `allowed` and on non-blank text.
    void expect_children(const pugi::xml_node& node, Names allowed) const {
        for (const auto c : node.children()) {
            if (c.type() == pugi::node_element) {
                if (!is_one_of(c.name(), allowed))
                    src_.fail(c, std::string("element not allowed in ") + node.name());
            } else if (c.type() == pugi::node_pcdata && !trim(c.value()).empty()) {
                src_.fail(node, std::string("unexpected text '") + escaped(trim(c.value())) + "'");
            }
        }
    }
    void expect_attributes(const pugi::xml_node& node, Names allowed) const {
        for (const auto a : node.attributes())
            if (!is_one_of(a.name(), allowed))
                src_.fail(node, a.name(), "attribute not allowed here");
    }
    void expect_leaf(const pugi::xml_node& node, Names attributes) const {
        expect_attributes(node, attributes);
        expect_children(node, {});
    }
    // An element holding a value as text: no attributes, no child elements.
    void expect_text(const pugi::xml_node& node) const {
        expect_attributes(node, {});
        for (const auto c : node.children())
            if (c.type() == pugi::node_element)
                src_.fail(c, std::string("element not allowed in ") + node.name());
    }
    pugi::xml_node text_child(const pugi::xml_node& parent, const char* name,
                              bool required = false) const {
        const auto c = required ? required_child(parent, name) : single(parent, name);
        if (c) expect_text(c);
        return c;
    }
    // The one child called `name`, or null; fails when there are several.
    pugi::xml_node single(const pugi::xml_node& parent, const char* name) const {
        const auto first = parent.child(name);
        if (first && first.next_sibling(name))
            src_.fail(first.next_sibling(name),
                      std::string("only one ") + name + " is allowed in " + parent.name());
        return first;
    }
    pugi::xml_node required_child(const pugi::xml_node& parent, const char* name) const {
        const auto c = single(parent, name);
        if (!c) src_.fail(parent, std::string("missing required element ") + name);
        return c;
    }

    std::uint32_t define(IdTable& table, const pugi::xml_node& node, const char* attribute,
                         std::uint32_t index) const {
        const std::string id = values_.required(node, attribute);
        if (trim(id).empty()) src_.fail(node, attribute, "must not be empty");
        const auto [it, inserted] = table.ids.try_emplace(id, index, node);
        if (!inserted)
            src_.fail(node, attribute,
                      std::string("duplicate ") + table.kind + " ID (first defined at " +
                          src_.where(it->second.second) + ")");
        return index;
    }
    std::uint32_t ref(const IdTable& table, const pugi::xml_node& node,
                      const char* attribute) const {
        const std::string id = values_.required(node, attribute);
        const auto it = table.ids.find(id);
        if (it == table.ids.end())
            src_.fail(node, attribute, std::string("no ") + table.kind + " has this ID");
        return it->second.first;
    }

    void identity(const pugi::xml_node& root) {
        const auto type_id = text_child(root, "PolicyTypeID");
        const auto policy_id = text_child(root, "PolicyID");
        const auto base_id = text_child(root, "BasePolicyID");
        if (policy_id || base_id) {
            if (!policy_id) src_.fail(base_id, "BasePolicyID needs a PolicyID beside it");
            if (!base_id) src_.fail(policy_id, "PolicyID needs a BasePolicyID beside it");
            if (type_id)
                src_.fail(type_id,
                          "a policy has either PolicyTypeID (single-policy format) or "
                          "PolicyID and BasePolicyID (multiple-policy format), not both");
            p_.identity =
                MultiplePolicyFormat{values_.guid_text(policy_id), values_.guid_text(base_id)};
        } else if (type_id) {
            p_.identity = SinglePolicyFormat{values_.guid_text(type_id)};
        } else {
            src_.fail(root, "missing PolicyTypeID, or PolicyID and BasePolicyID");
        }
        const auto type = root.attribute("PolicyType");
        const std::string_view type_name = trim(type.value());
        if (type_name == "Supplemental Policy") {
            if (!p_.is_multiple_policy_format())
                src_.fail(root, "PolicyType",
                          "a supplemental policy needs PolicyID and BasePolicyID");
            p_.options.set(option_bit::supplemental);
        } else if (type && type_name != "Base Policy") {
            src_.fail(root, "PolicyType",
                      "not supported yet (only 'Base Policy' and 'Supplemental Policy')");
        }
    }

    void options(const pugi::xml_node& root) {
        const auto rules = required_child(root, "Rules");
        expect_attributes(rules, {});
        expect_children(rules, {"Rule"});
        for (const auto rule : rules.children("Rule")) {
            expect_attributes(rule, {});
            expect_children(rule, {"Option"});
            const auto option = text_child(rule, "Option", true);
            const std::string name(trim(option.child_value()));
            const auto* info = find_rule_option(name);
            if (!info) {
                std::vector<std::string> names;
                for (const auto& o : rule_options()) names.emplace_back(o.xml_name);
                const auto match = closest_match(name, names);
                src_.fail(option,
                          "unknown rule option '" + escaped(name) + "'" +
                              (match ? " (did you mean '" + *match + "'? names are case-sensitive)"
                                     : " (names are case-sensitive, e.g. 'Enabled:UMCI'; "
                                       "see docs/compiler.md)"));
            }
            if (info->bit == option_bit::allow_supplemental_policies && p_.is_supplemental())
                src_.fail(option, "a supplemental policy cannot allow supplemental policies");
            p_.options.set(info->bit);
        }
    }

    void ekus(const pugi::xml_node& list) {
        if (!list) return;
        expect_attributes(list, {});
        expect_children(list, {"EKU"});
        for (const auto e : list.children("EKU")) {
            expect_leaf(e, {"ID", "Value", "FriendlyName"});
            Eku eku;
            define(eku_ids_, e, "ID", static_cast<std::uint32_t>(p_.ekus.size()));
            eku.xml = {e.attribute("ID").value(), e.attribute("FriendlyName").value()};
            eku.value = values_.hex(e, "Value", false);
            p_.ekus.push_back(std::move(eku));
        }
    }

    void file_rules(const pugi::xml_node& list) {
        if (!list) return;
        expect_attributes(list, {});
        expect_children(list, {"Allow", "Deny", "FileAttrib"});
        for (const auto e : list.children()) {
            if (e.type() != pugi::node_element) continue;
            expect_leaf(e,
                        {"ID", "FriendlyName", "FileName", "InternalName", "FileDescription",
                         "ProductName", "PackageFamilyName", "PackageVersion", "MinimumFileVersion",
                         "MaximumFileVersion", "Hash", "AppIDs", "FilePath"});
            if (e.attribute("AppIDs"))
                src_.fail(e, "AppIDs",
                          "not supported yet (its binary encoding is not pinned down)");
            FileRule r;
            const std::string_view kind = e.name();
            r.type = kind == "Deny"    ? FileRuleType::deny
                     : kind == "Allow" ? FileRuleType::allow
                                       : FileRuleType::file_attrib;
            define(rule_ids_, e, "ID", static_cast<std::uint32_t>(p_.file_rules.size()));
            r.xml = {e.attribute("ID").value(), e.attribute("FriendlyName").value()};
            r.file_name = values_.string(e, "FileName");
            r.internal_name = values_.string(e, "InternalName");
            r.file_description = values_.string(e, "FileDescription");
            r.product_name = values_.string(e, "ProductName");
            r.package_family_name = values_.string(e, "PackageFamilyName");
            r.file_path = values_.string(e, "FilePath");
            r.package_version = values_.version(e, "PackageVersion").value_or(Version{});
            const auto min = values_.version(e, "MinimumFileVersion");
            const auto max = values_.version(e, "MaximumFileVersion");
            // ConvertFrom-CIPolicy's defaults: a Deny without any version range denies every
            // version, written as the highest minimum.
            r.minimum_version = (r.type == FileRuleType::deny && !min && !max)
                                    ? kMaxVersion
                                    : min.value_or(Version{});
            r.maximum_version = max.value_or(Version{});
            if (e.attribute("Hash")) r.hash = values_.hex(e, "Hash", true);
            p_.file_rules.push_back(std::move(r));
        }
    }

    void signers(const pugi::xml_node& list) {
        if (!list) return;
        expect_attributes(list, {});
        expect_children(list, {"Signer"});
        for (const auto e : list.children("Signer")) {
            expect_attributes(e, {"ID", "Name", "SignTimeAfter"});
            expect_children(e, {"CertRoot", "CertEKU", "CertIssuer", "CertPublisher", "CertOemID",
                                "FileAttribRef"});
            SignerRule s;
            define(signer_ids_, e, "ID", static_cast<std::uint32_t>(p_.signers.size()));
            s.xml = {e.attribute("ID").value(), values_.required(e, "Name")};
            s.sign_time_after = values_.datetime(e, "SignTimeAfter").value_or(0);
            const auto root = required_child(e, "CertRoot");
            expect_leaf(root, {"Type", "Value"});
            const std::string type = values_.required(root, "Type");
            const Bytes value = values_.hex(root, "Value", false);
            if (type == "TBS") {
                s.root = TbsRoot{value};
            } else if (type == "Wellknown") {
                if (value.size() > 4)
                    src_.fail(root, "Value", "a well-known root ID has at most 8 hex digits");
                std::uint32_t id = 0;
                for (auto b : value) id = id << 8 | b;
                s.root = WellKnownRoot{id};
            } else {
                src_.fail(root, "Type", "must be TBS or Wellknown");
            }
            for (const auto eku : e.children("CertEKU")) {
                expect_leaf(eku, {"ID"});
                s.cert_ekus.push_back(ref(eku_ids_, eku, "ID"));
            }
            s.cert_issuer = cert_value(e, "CertIssuer");
            s.cert_publisher = cert_value(e, "CertPublisher");
            s.cert_oem_id = cert_value(e, "CertOemID");
            for (const auto r : e.children("FileAttribRef")) {
                expect_leaf(r, {"RuleID"});
                s.file_attrib_refs.push_back(ref(rule_ids_, r, "RuleID"));
            }
            p_.signers.push_back(std::move(s));
        }
    }
    PolicyString cert_value(const pugi::xml_node& signer, const char* name) const {
        const auto e = single(signer, name);
        if (!e) return std::nullopt;
        expect_leaf(e, {"Value"});
        return values_.utf16(e, "Value", values_.required(e, "Value"));
    }

    std::vector<std::uint32_t> signer_list(const pugi::xml_node& list, const char* item) const {
        std::vector<std::uint32_t> out;
        if (!list) return out;
        expect_attributes(list, {});
        expect_children(list, {item});
        for (const auto e : list.children(item)) {
            expect_leaf(e, {"SignerId"});
            out.push_back(ref(signer_ids_, e, "SignerId"));
        }
        return out;
    }

    void scenarios(const pugi::xml_node& list) {
        if (!list) return;
        expect_attributes(list, {});
        expect_children(list, {"SigningScenario"});
        // InheritedScenarios may name a scenario defined further down.
        std::uint32_t n = 0;
        for (const auto e : list.children("SigningScenario")) define(scenario_ids_, e, "ID", n++);
        for (const auto e : list.children("SigningScenario")) {
            expect_attributes(
                e, {"ID", "FriendlyName", "Value", "InheritedScenarios", "MinimumHashAlgorithm"});
            expect_children(e,
                            {"ProductSigners", "TestSigners", "TestSigningSigners", "AppIDTags"});
            if (const auto tags = e.child("AppIDTags"))
                src_.fail(tags,
                          "AppIDTags are not supported yet (their binary encoding as "
                          "settings is not pinned down)");
            SigningScenario s;
            s.xml = {e.attribute("ID").value(), e.attribute("FriendlyName").value()};
            if (!e.attribute("Value")) values_.required(e, "Value");
            s.value = static_cast<std::uint32_t>(*values_.number(e, "Value", 255));
            s.minimum_hash_algorithm = static_cast<std::uint32_t>(
                values_.number(e, "MinimumHashAlgorithm", 0xFFFF).value_or(kSha256HashAlgorithm));
            inherited(e, s);
            s.product_signers = group(single(e, "ProductSigners"));
            s.test_signers = group(single(e, "TestSigners"));
            s.test_signing_signers = group(single(e, "TestSigningSigners"));
            p_.signing_scenarios.push_back(std::move(s));
        }
    }
    void inherited(const pugi::xml_node& e, SigningScenario& s) const {
        std::string_view list = e.attribute("InheritedScenarios").value();
        while (!list.empty()) {
            const auto comma = list.find(',');
            const std::string id(trim(list.substr(0, comma)));
            list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
            if (id.empty()) continue;
            const auto it = scenario_ids_.ids.find(id);
            if (it == scenario_ids_.ids.end())
                src_.fail(e, "InheritedScenarios",
                          "no signing scenario has the ID '" + escaped(id) + "'");
            s.inherited_scenarios.push_back(it->second.first);
        }
    }

    SignerGroup group(const pugi::xml_node& g) const {
        SignerGroup out;
        if (!g) return out;
        expect_attributes(g, {});
        expect_children(g, {"AllowedSigners", "DeniedSigners", "FileRulesRef"});
        if (const auto list = single(g, "AllowedSigners")) {
            expect_attributes(list, {"Workaround"});
            expect_children(list, {"AllowedSigner"});
            for (const auto a : list.children("AllowedSigner")) {
                expect_attributes(a, {"SignerId"});
                expect_children(a, {"ExceptDenyRule"});
                AllowedSigner s{ref(signer_ids_, a, "SignerId"), {}};
                for (const auto x : a.children("ExceptDenyRule")) {
                    expect_leaf(x, {"DenyRuleID"});
                    s.except_deny_rules.push_back(ref(rule_ids_, x, "DenyRuleID"));
                }
                out.allowed.push_back(std::move(s));
            }
        }
        if (const auto list = single(g, "DeniedSigners")) {
            expect_attributes(list, {"Workaround"});
            expect_children(list, {"DeniedSigner"});
            for (const auto d : list.children("DeniedSigner")) {
                expect_attributes(d, {"SignerId"});
                expect_children(d, {"ExceptAllowRule"});
                DeniedSigner s{ref(signer_ids_, d, "SignerId"), {}};
                for (const auto x : d.children("ExceptAllowRule")) {
                    expect_leaf(x, {"AllowRuleID"});
                    s.except_allow_rules.push_back(ref(rule_ids_, x, "AllowRuleID"));
                }
                out.denied.push_back(std::move(s));
            }
        }
        if (const auto list = single(g, "FileRulesRef")) {
            expect_attributes(list, {"Workaround"});
            expect_children(list, {"FileRuleRef"});
            for (const auto r : list.children("FileRuleRef")) {
                expect_leaf(r, {"RuleID"});
                out.file_rules_ref.push_back(ref(rule_ids_, r, "RuleID"));
            }
        }
        return out;
    }

    void settings(const pugi::xml_node& list) {
        if (!list) return;
        expect_attributes(list, {});
        expect_children(list, {"Setting"});
        for (const auto e : list.children("Setting")) {
            expect_attributes(e, {"Provider", "Key", "ValueName"});
            expect_children(e, {"Value"});
            SecureSetting s;
            s.provider = values_.utf16(e, "Provider", values_.required(e, "Provider"));
            s.key = values_.utf16(e, "Key", values_.required(e, "Key"));
            s.value_name = values_.utf16(e, "ValueName", values_.required(e, "ValueName"));
            const auto value = required_child(e, "Value");
            expect_attributes(value, {});
            expect_children(value, {"Boolean", "DWord", "Binary", "String"});
            const auto v = value.first_child().type() == pugi::node_element
                               ? value.first_child()
                               : value.find_child([](pugi::xml_node c) {
                                     return c.type() == pugi::node_element;
                                 });
            if (!v) src_.fail(value, "needs one of Boolean, DWord, Binary or String");
            if (v.next_sibling() && v.next_sibling().type() == pugi::node_element)
                src_.fail(v.next_sibling(), "a setting has one value only");
            expect_text(v);
            const std::string_view kind = v.name();
            const std::string_view text = trim(v.child_value());
            if (kind == "Boolean") {
                if (text != "true" && text != "false" && text != "1" && text != "0")
                    src_.fail(v, "must be true, false, 1 or 0");
                s.value = text == "true" || text == "1";
            } else if (kind == "DWord") {
                s.value = static_cast<std::uint32_t>(*values_.number(v, nullptr, 0xFFFFFFFF));
            } else if (kind == "Binary") {
                Bytes b;
                if (!from_hex(text, b)) src_.fail(v, "not hex (an even number of digits expected)");
                s.value = std::move(b);
            } else {
                s.value = values_.utf16(v, nullptr, v.child_value());
            }
            p_.settings.push_back(std::move(s));
        }
    }

    const XmlSource& src_;
    XmlValues values_;
    Policy p_;
    IdTable eku_ids_{"EKU", {}};
    IdTable rule_ids_{"file rule", {}};
    IdTable signer_ids_{"signer", {}};
    IdTable scenario_ids_{"signing scenario", {}};
};

}  // namespace

Policy read_policy_xml(const XmlSource& source) {
    return Reader(source).read();
}

}  // namespace cipolicy::policy
