#include "policy/xml_reader.hpp"

#include <array>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.hpp"
#include "core/quote.hpp"
#include "core/suggest.hpp"
#include "platform/memory.hpp"
#include "policy/id_table.hpp"
#include "policy/setting_rules.hpp"
#include "policy/xml_values.hpp"

namespace cipolicy::policy {
namespace {

using Names = std::initializer_list<std::string_view>;

bool is_one_of(std::string_view name, Names names) {
    for (const std::string_view n : names)
        if (n == name) return true;
    return false;
}

// The attributes of the four file rule elements, in the order of kRuleAttrNames.
enum class RuleAttr : std::uint8_t {
    id,
    friendly_name,
    file_name,
    internal_name,
    file_description,
    product_name,
    package_family_name,
    package_version,
    minimum_file_version,
    maximum_file_version,
    hash,
    app_ids,
    file_path,
    require_hotpatch_id,
    minimum_hotpatch_sequence,
    maximum_hotpatch_sequence,
    type,
};
constexpr std::array<std::string_view, 17> kRuleAttrNames = {"ID",
                                                             "FriendlyName",
                                                             "FileName",
                                                             "InternalName",
                                                             "FileDescription",
                                                             "ProductName",
                                                             "PackageFamilyName",
                                                             "PackageVersion",
                                                             "MinimumFileVersion",
                                                             "MaximumFileVersion",
                                                             "Hash",
                                                             "AppIDs",
                                                             "FilePath",
                                                             "RequireHotpatchID",
                                                             "MinimumHotpatchSequence",
                                                             "MaximumHotpatchSequence",
                                                             "Type"};
struct RuleAttributes {
    std::array<XmlAttribute, kRuleAttrNames.size()> slots;  // null where the rule has none
    const XmlAttribute& operator[](RuleAttr a) const { return slots[static_cast<std::size_t>(a)]; }
    bool has(RuleAttr a) const { return bool((*this)[a]); }
};

class Reader {
  public:
    Reader(const XmlSource& src, FileRuleNames names) : src_(src), values_(src), names_(names) {}

    Policy read() {
        const auto root = src_.tree().root();
        if (root.name() != "SiPolicy")
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
                   "CiSigners", "HvciOptions", "Settings", "Macros", "SupplementalPolicySigners",
                   "ArtifactRules", "AppSettings"});
        if (const auto app_settings = single(root, "AppSettings"))
            src_.fail(app_settings,
                      "AppSettings are not supported yet (the binary stores each setting by the "
                      "type its application manifest defines, which the policy does not hold)");
        macros(single(root, "Macros"));

        p_.version = values_.version_text(text_child(root, "VersionEx", true));
        if (const auto platform = text_child(root, "PlatformID"))
            p_.platform_id = values_.guid_text(platform);
        identity(root);
        options(root);
        ekus(single(root, "EKUs"));
        file_rules(single(root, "FileRules"));
        artifact_rules(single(root, "ArtifactRules"));
        signers(single(root, "Signers"));
        p_.update_policy_signers =
            signer_list(single(root, "UpdatePolicySigners"), "UpdatePolicySigner");
        p_.ci_signers = signer_list(single(root, "CiSigners"), "CiSigner");
        // An AppID tagging policy without CiSigners names every signer (AppControl Manager).
        if (app_id_tagging_ && !single(root, "CiSigners"))
            for (std::uint32_t i = 0; i < p_.signers.size(); ++i) p_.ci_signers.push_back(i);
        p_.supplemental_policy_signers =
            signer_list(single(root, "SupplementalPolicySigners"), "SupplementalPolicySigner");
        scenarios(single(root, "SigningScenarios"));
        if (const auto hvci = text_child(root, "HvciOptions"))
            p_.hvci_options =
                static_cast<std::uint32_t>(*values_.number(hvci, nullptr, 0xFFFFFFFF));
        settings(single(root, "Settings"));
        if (certificate_remapping_) p_.settings.push_back(certificate_remapping_setting());

        if (!p_.is_unsigned_policy_allowed() && p_.update_policy_signers.empty())
            src_.fail(root,
                      "a policy without option 'Enabled:Unsigned System Integrity Policy' must "
                      "name an UpdatePolicySigner (add one with 'cipolicy add-signer --update', "
                      "or add the option)");
        return std::move(p_);
    }

  private:
    // Element children only; fails on any element not in `allowed` and on non-blank text.
    void expect_children(const XmlNode& node, Names allowed) const {
        for (auto c = node.first_child(); c; c = c.next_sibling()) {
            if (c.type() == XmlNodeType::element) {
                if (!is_one_of(c.name(), allowed))
                    src_.fail(c, "element not allowed in " + std::string(node.name()));
            } else if (c.type() == XmlNodeType::pcdata && !trim(c.value()).empty()) {
                src_.fail(node, std::string("unexpected text '") + escaped(trim(c.value())) + "'");
            }
        }
    }
    void expect_attributes(const XmlNode& node, Names allowed) const {
        for (const auto a : node.attributes())
            if (!is_one_of(a.name(), allowed))
                src_.fail(node, a.name(), "attribute not allowed here");
    }
    void expect_leaf(const XmlNode& node, Names attributes) const {
        expect_attributes(node, attributes);
        expect_children(node, {});
    }
    // An element holding a value as text: no attributes, no child elements.
    void expect_text(const XmlNode& node) const {
        expect_attributes(node, {});
        for (const auto c : node.children())
            if (c.type() == XmlNodeType::element)
                src_.fail(c, "element not allowed in " + std::string(node.name()));
    }
    XmlNode text_child(const XmlNode& parent, const char* name, bool required = false) const {
        const auto c = required ? required_child(parent, name) : single(parent, name);
        if (c) expect_text(c);
        return c;
    }
    // The one child called `name`, or null; fails when there are several.
    XmlNode single(const XmlNode& parent, const char* name) const {
        const auto first = parent.child(name);
        if (first && first.next_sibling(name))
            src_.fail(first.next_sibling(name), std::string("only one ") + name +
                                                    " is allowed in " + std::string(parent.name()));
        return first;
    }
    XmlNode required_child(const XmlNode& parent, const char* name) const {
        const auto c = single(parent, name);
        if (!c) src_.fail(parent, std::string("missing required element ") + name);
        return c;
    }

    std::uint32_t define(IdTable& table, const XmlNode& node, const char* attribute,
                         std::uint32_t index) const {
        const auto a = node.attribute(attribute);
        if (!a) values_.required(node, attribute);  // fails: "missing required attribute"
        const std::string_view id = a.value();
        if (trim(id).empty()) src_.fail(node, attribute, "must not be empty");
        const auto [entry, added] = table.define(id, index, node);
        if (!added)
            src_.fail(node, attribute,
                      std::string("duplicate ") + table.kind() + " ID (first defined at " +
                          src_.where(entry->node) + ")");
        return index;
    }
    std::uint32_t ref(const IdTable& table, const XmlNode& node, const char* attribute) const {
        return ref(table, node, attribute, node.attribute(attribute));
    }
    // The same with `attribute`'s node `a` already found (null when the element has none).
    std::uint32_t ref(const IdTable& table, const XmlNode& node, const char* attribute,
                      const XmlAttribute& a) const {
        if (!a) values_.required(node, attribute);  // fails: "missing required attribute"
        const auto* entry = table.find(a.value());
        if (!entry) src_.fail(node, attribute, std::string("no ") + table.kind() + " has this ID");
        return entry->index;
    }

    void identity(const XmlNode& root) {
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
        } else if (type_name == "AppID Tagging Policy") {
            app_id_tagging_ = true;
            for (std::uint32_t bit : kAppIdTaggingOptions) p_.options.set(bit);
            p_.settings.push_back(app_id_tagging_default_setting());
        } else if (type && type_name != "Base Policy") {
            src_.fail(root, "PolicyType",
                      "must be 'Base Policy', 'Supplemental Policy' or 'AppID Tagging Policy'");
        }
    }

    void options(const XmlNode& root) {
        const auto rules = required_child(root, "Rules");
        expect_attributes(rules, {});
        expect_children(rules, {"Rule"});
        for (const auto rule : rules.children("Rule")) {
            expect_attributes(rule, {});
            expect_children(rule, {"Option"});
            const auto option = text_child(rule, "Option", true);
            const std::string name(trim(option.child_value()));
            if (name == kCertificateRemappingOption) {
                certificate_remapping_ = true;  // a setting, after the document's (see read())
                continue;
            }
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

    void ekus(const XmlNode& list) {
        if (!list) return;
        expect_attributes(list, {});
        expect_children(list, {"EKU"});
        for (const auto e : list.children("EKU")) {
            expect_leaf(e, {"ID", "Value", "FriendlyName"});
            Eku eku;
            define(eku_ids_, e, "ID", static_cast<std::uint32_t>(p_.ekus.size()));
            eku.xml = {std::string(e.attribute("ID").value()),
                       std::string(e.attribute("FriendlyName").value())};
            eku.value = values_.hex(e, "Value", false);
            p_.ekus.push_back(std::move(eku));
        }
    }

    void file_rules(const XmlNode& list) {
        if (!list) return;
        expect_attributes(list, {});
        expect_children(list, {"Allow", "Deny", "FileAttrib", "FileRule"});
        std::vector<XmlNode> hotpatch_bases;
        // A rule is a few hundred bytes: growing the vector rule by rule would copy a block list
        // about twice over.
        std::size_t children = 0;
        for (auto c = list.first_child(); c; c = c.next_sibling()) ++children;
        p_.file_rules.reserve(p_.file_rules.size() + children);
        platform::prepare_for_writing(p_.file_rules.data() + p_.file_rules.size(),
                                      children * sizeof(FileRule));
        rule_ids_.reserve(p_.file_rules.size() + children);
        for (const auto e : list.children()) {
            if (e.type() != XmlNodeType::element) continue;
            const std::string_view kind = e.name();
            const RuleAttributes a = rule_attributes(e, kind == "Allow");
            expect_children(e, {});
            if (kind != "FileRule" && a.has(RuleAttr::type))  // Type is the generic rule's only
                src_.fail(e, "Type", "attribute not allowed here");
            FileRule r;
            if (a.has(RuleAttr::app_ids)) r.app_ids = app_ids(e, a[RuleAttr::app_ids]);
            r.type = file_rule_type(e);
            if (a.has(RuleAttr::require_hotpatch_id)) hotpatch_bases.push_back(e);
            define(rule_ids_, e, "ID", static_cast<std::uint32_t>(p_.file_rules.size()));
            r.xml.id = a[RuleAttr::id].value();
            if (names_ == FileRuleNames::kept)
                r.xml.friendly_name = a[RuleAttr::friendly_name].value();
            // Most of a block list's rules have a hash and none of these.
            const auto text = [&](RuleAttr which) {
                return a.has(which) ? values_.string(e, a[which]) : PolicyString{};
            };
            const auto version = [&](RuleAttr which) {
                return a.has(which) ? values_.version(e, a[which]) : std::nullopt;
            };
            r.file_name = text(RuleAttr::file_name);
            r.internal_name = text(RuleAttr::internal_name);
            r.file_description = text(RuleAttr::file_description);
            r.product_name = text(RuleAttr::product_name);
            r.package_family_name = text(RuleAttr::package_family_name);
            r.file_path = text(RuleAttr::file_path);
            r.package_version = version(RuleAttr::package_version).value_or(Version{});
            const auto min = version(RuleAttr::minimum_file_version);
            const auto max = version(RuleAttr::maximum_file_version);
            // ConvertFrom-CIPolicy's defaults: a Deny without any version range denies every
            // version, written as the highest minimum.
            r.minimum_version = (r.type == FileRuleType::deny && !min && !max)
                                    ? kMaxVersion
                                    : min.value_or(Version{});
            r.maximum_version = max.value_or(Version{});
            if (a.has(RuleAttr::hash)) r.hash = values_.hex(e, a[RuleAttr::hash], true);
            p_.file_rules.push_back(std::move(r));
        }
        hotpatch(list, hotpatch_bases);
    }
    // A file rule's attributes in one pass (each looked up by name walked the attribute list
    // fifteen times a rule); one that the element may not have fails as expect_attributes does.
    // Allow alone has the hotpatch attributes, the others alone Type (only FileRule keeps it).
    RuleAttributes rule_attributes(const XmlNode& e, bool allow) const {
        RuleAttributes found;
        for (const auto attribute : e.attributes()) {
            const std::string_view name = attribute.name();
            std::size_t k = 0;
            while (k < kRuleAttrNames.size() && kRuleAttrNames[k] != name) ++k;
            const auto which = static_cast<RuleAttr>(k);
            const bool hotpatch = which == RuleAttr::require_hotpatch_id ||
                                  which == RuleAttr::minimum_hotpatch_sequence ||
                                  which == RuleAttr::maximum_hotpatch_sequence;
            if (k == kRuleAttrNames.size() || (allow ? which == RuleAttr::type : hotpatch))
                src_.fail(e, name, "attribute not allowed here");
            found.slots[k] = attribute;
        }
        return found;
    }
    FileRuleType file_rule_type(const XmlNode& e) const {
        const std::string_view kind = e.name();
        if (kind == "Deny") return FileRuleType::deny;
        if (kind == "Allow") return FileRuleType::allow;
        if (kind == "FileAttrib") return FileRuleType::file_attrib;
        // The schema's generic FileRule: Type says which of the three it is.
        const std::string type = values_.required(e, "Type");
        if (type == "Match") return FileRuleType::allow;
        if (type == "Exclude") return FileRuleType::deny;
        if (type == "Attribute") return FileRuleType::file_attrib;
        src_.fail(e, "Type", "must be Match (Allow), Exclude (Deny) or Attribute (FileAttrib)");
    }

    // RequireHotpatchID on an Allow rule names another Allow rule, whose Minimum- and
    // MaximumHotpatchSequence bound the hotpatches it admits (format 9).
    void hotpatch(const XmlNode& list, const std::vector<XmlNode>& bases) {
        std::vector<bool> targeted(p_.file_rules.size(), false);
        std::vector<bool> is_base(p_.file_rules.size(), false);
        for (const auto& e : bases)
            is_base[rule_ids_.find(e.attribute("ID").value())->index] = true;
        for (const auto& e : bases) {
            HotpatchRequirement h;
            h.base = rule_ids_.find(e.attribute("ID").value())->index;
            h.target = ref(rule_ids_, e, "RequireHotpatchID");
            if (h.target == h.base)
                src_.fail(e, "RequireHotpatchID", "a rule cannot require itself");
            const auto target = rule_ids_.find(e.attribute("RequireHotpatchID").value())->node;
            if (p_.file_rules[h.target].type != FileRuleType::allow)
                src_.fail(e, "RequireHotpatchID", "must name an Allow rule");
            if (is_base[h.target])
                src_.fail(e, "RequireHotpatchID",
                          "names a rule that itself has RequireHotpatchID (no chains)");
            h.minimum_sequence = static_cast<std::uint32_t>(
                values_.number(target, "MinimumHotpatchSequence", 0xFFFFFFFF).value_or(0));
            h.maximum_sequence = static_cast<std::uint32_t>(
                values_.number(target, "MaximumHotpatchSequence", 0xFFFFFFFF).value_or(0xFFFFFFFF));
            if (h.maximum_sequence < h.minimum_sequence)
                src_.fail(target, "MaximumHotpatchSequence", "is below MinimumHotpatchSequence");
            targeted[h.target] = true;
            p_.hotpatch.push_back(h);
        }
        for (const auto e : list.children("Allow"))
            for (const char* a : {"MinimumHotpatchSequence", "MaximumHotpatchSequence"})
                if (e.attribute(a) && !targeted[rule_ids_.find(e.attribute("ID").value())->index])
                    src_.fail(e, a,
                              "no RequireHotpatchID names this rule, so the binary has no place "
                              "for it");
    }

    void artifact_rules(const XmlNode& list) {
        if (!list) return;
        expect_attributes(list, {});
        expect_children(list, {"ArtifactRule"});
        for (const auto e : list.children("ArtifactRule")) {
            expect_attributes(e, {"ID", "ArtifactType", "Action", "FriendlyName", "ArtifactName",
                                  "ArtifactDescription", "MinimumVersion", "MaximumVersion"});
            expect_children(e, {"ArtifactHash"});
            ArtifactRule a;
            define(artifact_ids_, e, "ID", static_cast<std::uint32_t>(p_.artifact_rules.size()));
            a.xml = {std::string(e.attribute("ID").value()),
                     std::string(e.attribute("FriendlyName").value())};
            const std::string type = values_.required(e, "ArtifactType");
            if (type != "CIM" && type != "Catalog")
                src_.fail(e, "ArtifactType", "must be CIM or Catalog");
            a.type = type == "CIM" ? ArtifactType::cim : ArtifactType::catalog;
            const std::string action = values_.required(e, "Action");
            if (action != "Allow" && action != "Deny")
                src_.fail(e, "Action", "must be Allow or Deny");
            a.action = action == "Allow" ? ArtifactAction::allow : ArtifactAction::deny;
            a.name = values_.string(e, "ArtifactName");
            a.description = values_.string(e, "ArtifactDescription");
            // The schema's defaults: 0.0.0.0 to 65535.65535.65535.65535.
            a.minimum_version = values_.version(e, "MinimumVersion").value_or(Version{});
            a.maximum_version = values_.version(e, "MaximumVersion").value_or(kMaxVersion);
            if (a.maximum_version.to_u64() < a.minimum_version.to_u64())
                src_.fail(e, "MaximumVersion", "is below MinimumVersion");
            if (const auto hash = single(e, "ArtifactHash")) {
                expect_attributes(hash, {});
                expect_children(hash, {"Hash"});
                const auto digest = required_child(hash, "Hash");
                expect_attributes(digest, {});
                expect_children(digest, {"sha256", "sha384", "sha512"});
                const auto v =
                    digest.find_child([](XmlNode c) { return c.type() == XmlNodeType::element; });
                if (!v) src_.fail(digest, "needs one of sha256, sha384 or sha512");
                if (v.next_sibling() && v.next_sibling().type() == XmlNodeType::element)
                    src_.fail(v.next_sibling(), "a Hash has one digest only");
                expect_text(v);
                const std::string_view algo = v.name();
                const std::size_t size = algo == "sha256" ? 32 : algo == "sha384" ? 48 : 64;
                if (!from_hex(trim(v.child_value()), a.hash) || a.hash.size() != size)
                    src_.fail(v, "must be " + std::to_string(size * 2) + " hex digits");
            }
            p_.artifact_rules.push_back(std::move(a));
        }
    }

    // <Macros><Macro Id="..." Value="..."/></Macros>: values that AppIDs="$(Id)..." names.
    void macros(const XmlNode& list) {
        if (!list) return;
        expect_attributes(list, {});
        expect_children(list, {"Macro"});
        for (const auto e : list.children("Macro")) {
            expect_leaf(e, {"Id", "Value"});
            const std::string id = values_.required(e, "Id");
            if (!is_macro_id(id))
                src_.fail(e, "Id", "a macro Id is a letter or _, then letters, digits, _ or .");
            const PolicyString value = values_.utf16(e, "Value", values_.required(e, "Value"));
            if (!value) src_.fail(e, "Value", "must not be empty");
            if (!macros_.emplace(id, *value).second)
                src_.fail(e, "Id", "a macro with this Id is already defined");
        }
    }
    static bool is_macro_id(std::string_view id) {
        auto letter = [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        };
        if (id.empty() || !letter(id[0])) return false;
        for (char c : id)
            if (!letter(c) && !(c >= '0' && c <= '9') && c != '.') return false;
        return true;
    }

    // The schema's AppIdType: one literal value that does not start with '$', or one or more
    // macro references "$(Id)$(Id2)", each one value of the list the binary stores.
    std::vector<PolicyString> app_ids(const XmlNode& e, const XmlAttribute& attribute) const {
        const PolicyString literal = values_.string(e, attribute);
        if (!literal) return {};
        const std::string_view text = attribute.value();
        if (text.empty() || text[0] != '$') return {*literal};
        std::vector<PolicyString> out;
        for (std::string_view rest = text; !rest.empty();) {
            const auto close = rest.find(')');
            if (!rest.starts_with("$(") || close == std::string_view::npos ||
                !is_macro_id(rest.substr(2, close - 2)))
                src_.fail(e, "AppIDs",
                          "a value starting with '$' must be macro references only, e.g. "
                          "$(App1)$(App2)");
            const std::string id(rest.substr(2, close - 2));
            const auto it = macros_.find(id);
            if (it == macros_.end())
                src_.fail(e, "AppIDs", "no Macro has the Id '" + escaped(id) + "'");
            out.push_back(it->second);
            rest.remove_prefix(close + 1);
        }
        return out;
    }

    void signers(const XmlNode& list) {
        if (!list) return;
        expect_attributes(list, {});
        expect_children(list, {"Signer"});
        for (const auto e : list.children("Signer")) {
            expect_attributes(e, {"ID", "Name", "SignTimeAfter"});
            expect_children(e, {"CertRoot", "CertEKU", "CertIssuer", "CertPublisher", "CertOemID",
                                "FileAttribRef", "ArtifactRuleRef"});
            SignerRule s;
            define(signer_ids_, e, "ID", static_cast<std::uint32_t>(p_.signers.size()));
            s.xml = {std::string(e.attribute("ID").value()), values_.required(e, "Name")};
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
                expect_leaf(eku, {"ID", "Condition"});
                const auto condition = eku.attribute("Condition");
                if (condition && std::string_view(condition.value()) != "Except")
                    src_.fail(eku, "Condition", "must be Except (or absent)");
                (condition ? s.except_cert_ekus : s.cert_ekus).push_back(ref(eku_ids_, eku, "ID"));
            }
            s.cert_issuer = cert_value(e, "CertIssuer");
            s.cert_publisher = cert_value(e, "CertPublisher");
            s.cert_oem_id = cert_value(e, "CertOemID");
            for (const auto r : e.children("FileAttribRef")) {
                expect_leaf(r, {"RuleID"});
                s.file_attrib_refs.push_back(ref(rule_ids_, r, "RuleID"));
            }
            for (const auto r : e.children("ArtifactRuleRef")) {
                expect_leaf(r, {"RuleID"});
                s.artifact_rule_refs.push_back(ref(artifact_ids_, r, "RuleID"));
            }
            p_.signers.push_back(std::move(s));
        }
    }
    PolicyString cert_value(const XmlNode& signer, const char* name) const {
        const auto e = single(signer, name);
        if (!e) return std::nullopt;
        expect_leaf(e, {"Value"});
        return values_.utf16(e, "Value", values_.required(e, "Value"));
    }

    std::vector<std::uint32_t> signer_list(const XmlNode& list, const char* item) const {
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

    void scenarios(const XmlNode& list) {
        if (!list) return;
        expect_attributes(list, {});
        expect_children(list, {"SigningScenario"});
        // InheritedScenarios may name a scenario defined further down.
        std::uint32_t n = 0;
        for (const auto e : list.children("SigningScenario")) define(scenario_ids_, e, "ID", n++);
        for (const auto e : list.children("SigningScenario")) {
            expect_attributes(
                e, {"ID", "FriendlyName", "Value", "InheritedScenarios", "MinimumHashAlgorithm"});
            expect_children(e, {"ProductSigners", "TestSigners", "TestSigningSigners",
                                "ArtifactSigners", "AppIDTags"});
            SigningScenario s;
            s.xml = {std::string(e.attribute("ID").value()),
                     std::string(e.attribute("FriendlyName").value())};
            if (!e.attribute("Value")) values_.required(e, "Value");
            s.value = static_cast<std::uint32_t>(*values_.number(e, "Value", 255));
            s.minimum_hash_algorithm = static_cast<std::uint32_t>(
                values_.number(e, "MinimumHashAlgorithm", 0xFFFF).value_or(kSha256HashAlgorithm));
            inherited(e, s);
            s.product_signers = group(single(e, "ProductSigners"));
            s.test_signers = group(single(e, "TestSigners"));
            s.test_signing_signers = group(single(e, "TestSigningSigners"));
            if (const auto a = single(e, "ArtifactSigners")) {
                expect_attributes(a, {});
                expect_children(a, {"AllowedSigners", "DeniedSigners", "ArtifactRulesRef"});
                signers_in(a, s.artifact_signers);
                if (const auto refs = single(a, "ArtifactRulesRef")) {
                    expect_attributes(refs, {"Workaround"});
                    expect_children(refs, {"ArtifactRuleRef"});
                    for (const auto r : refs.children("ArtifactRuleRef")) {
                        expect_leaf(r, {"RuleID"});
                        s.artifact_signers.artifact_rules_ref.push_back(
                            ref(artifact_ids_, r, "RuleID"));
                    }
                }
            }
            app_id_tags(e, s);
            p_.signing_scenarios.push_back(std::move(s));
        }
    }
    void inherited(const XmlNode& e, SigningScenario& s) const {
        std::string_view list = e.attribute("InheritedScenarios").value();
        while (!list.empty()) {
            const auto comma = list.find(',');
            const std::string id(trim(list.substr(0, comma)));
            list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
            if (id.empty()) continue;
            const auto* entry = scenario_ids_.find(id);
            if (!entry)
                src_.fail(e, "InheritedScenarios",
                          "no signing scenario has the ID '" + escaped(id) + "'");
            s.inherited_scenarios.push_back(entry->index);
        }
    }

    // <AppIDTags EnforceDLL="true"><AppIDTag Key="k" Value="v"/></AppIDTags>: secure settings
    // WDACAppId/Tagging/<Key> = "<Value>" (and TaggingSettings/EnforceDLL = true).
    void app_id_tags(const XmlNode& scenario, const SigningScenario& s) {
        const auto tags = single(scenario, "AppIDTags");
        if (app_id_tagging_ && s.value != kUserModeScenario)
            src_.fail(scenario, "Value",
                      "an AppID Tagging Policy has user-mode signing scenarios (Value 12) only");
        if (!tags) {
            if (app_id_tagging_)
                src_.fail(scenario, "an AppID Tagging Policy needs AppIDTags in its scenario");
            return;
        }
        expect_attributes(tags, {"EnforceDLL"});
        expect_children(tags, {"AppIDTag"});
        if (const auto enforce = tags.attribute("EnforceDLL")) {
            const std::string_view v = trim(enforce.value());
            if (v != "true" && v != "false" && v != "1" && v != "0")
                src_.fail(tags, "EnforceDLL", "must be true or false");
            if (v == "true" || v == "1") p_.settings.push_back(enforce_dll_setting());
        }
        for (const auto t : tags.children("AppIDTag")) {
            expect_leaf(t, {"Key", "Value"});
            SecureSetting setting{policy_string("WDACAppId"), policy_string("Tagging"),
                                  values_.utf16(t, "Key", values_.required(t, "Key")),
                                  values_.utf16(t, "Value", values_.required(t, "Value"))};
            if (!setting.value_name) src_.fail(t, "Key", "must not be empty");
            p_.settings.push_back(std::move(setting));
        }
        if (app_id_tagging_ && !tags.child("AppIDTag"))
            src_.fail(tags, "an AppID Tagging Policy needs at least one AppIDTag");
    }

    template <typename Group>
    void signers_in(const XmlNode& g, Group& out) const {
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
    }

    SignerGroup group(const XmlNode& g) const {
        SignerGroup out;
        if (!g) return out;
        expect_attributes(g, {});
        expect_children(g, {"AllowedSigners", "DeniedSigners", "FileRulesRef"});
        signers_in(g, out);
        if (const auto list = single(g, "FileRulesRef")) {
            expect_attributes(list, {"Workaround"});
            expect_children(list, {"FileRuleRef"});
            // expect_children has judged the list: its elements are all FileRuleRef. A block list
            // has thousands; the usual one (RuleID alone, no content) is taken in one look.
            for (auto r = list.first_child(); r; r = r.next_sibling()) {
                if (r.type() != XmlNodeType::element) continue;
                const auto a = r.first_attribute();
                const bool usual =
                    a && !a.next_attribute() && !r.first_child() && a.name() == "RuleID";
                if (!usual) expect_leaf(r, {"RuleID"});
                out.file_rules_ref.push_back(
                    ref(rule_ids_, r, "RuleID", usual ? a : r.attribute("RuleID")));
            }
        }
        return out;
    }

    void settings(const XmlNode& list) {
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
            const auto v =
                value.first_child().type() == XmlNodeType::element
                    ? value.first_child()
                    : value.find_child([](XmlNode c) { return c.type() == XmlNodeType::element; });
            if (!v) src_.fail(value, "needs one of Boolean, DWord, Binary or String");
            if (v.next_sibling() && v.next_sibling().type() == XmlNodeType::element)
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
                s.value = values_.utf16(v, {}, v.child_value());
            }
            p_.settings.push_back(std::move(s));
        }
    }

    const XmlSource& src_;
    XmlValues values_;
    FileRuleNames names_;
    Policy p_;
    std::unordered_map<std::string, std::u16string> macros_;
    bool app_id_tagging_ = false;
    bool certificate_remapping_ = false;
    IdTable artifact_ids_{"artifact rule"};
    IdTable eku_ids_{"EKU"};
    IdTable rule_ids_{"file rule"};
    IdTable signer_ids_{"signer"};
    IdTable scenario_ids_{"signing scenario"};
};

}  // namespace

Policy read_policy_xml(const XmlSource& source, FileRuleNames names) {
    return Reader(source, names).read();
}

}  // namespace cipolicy::policy
