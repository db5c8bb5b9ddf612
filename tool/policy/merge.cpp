#include "policy/merge.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "core/error.hpp"

namespace cipolicy::policy {

namespace {

using IdMap = std::map<std::string, std::string>;  // an input's ID -> the result's ID

std::string upper(std::string s) {
    for (char& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

std::string mapped(const IdMap& map, const std::string& id) {
    auto it = map.find(id);
    return it == map.end() ? id : it->second;
}

// The references an element's attributes make, and to which table.
bool is_reference(const std::string& name) {
    return name == "SignerId" || name == "RuleID" || name == "DenyRuleID" || name == "AllowRuleID";
}

// What an element says, IDs and FriendlyNames aside, references through `refs`.
std::string content_key(pugi::xml_node e, const IdMap& refs, bool skip_file_attrib_refs = false) {
    std::vector<std::string> attrs;
    for (auto a : e.attributes()) {
        const std::string name = a.name();
        const bool eku_reference = std::string(e.name()) == "CertEKU";
        if (name == "FriendlyName" || name == "Name" || (name == "ID" && !eku_reference)) continue;
        std::string value = a.value();
        if (is_reference(name) || eku_reference)
            value = mapped(refs, value);
        else if (name == "Hash" || name == "Value")
            value = upper(value);
        attrs.push_back(name + "=" + value);
    }
    std::sort(attrs.begin(), attrs.end());
    std::string key = std::string(e.name()) + "(";
    for (const auto& a : attrs) key += a + ";";
    std::vector<std::string> children;
    for (auto c : e.children()) {
        if (c.type() != pugi::node_element) continue;
        if (skip_file_attrib_refs && std::string(c.name()) == "FileAttribRef") continue;
        children.push_back(content_key(c, refs));
    }
    if (std::string(e.name()) != "Signer") std::sort(children.begin(), children.end());
    for (const auto& c : children) key += c;
    return key + ")";
}

class Merger {
  public:
    explicit Merger(const XmlSource& first) {
        result_.reset();
        result_.append_copy(first.document().document_element());
        root_ = result_.document_element();
        for (auto n : root_.select_nodes(".//*[@ID]"))
            ids_.insert(n.node().attribute("ID").value());
        IdMap identity;
        index_table("EKUs", identity, ekus_);
        index_table("FileRules", identity, rules_);
        for (auto s : child(root_, "Signers").children("Signer"))
            signers_[signer_key(s, identity)] = s;
    }

    void add(const XmlSource& other) {
        pugi::xml_node in = other.document().document_element();
        IdMap map;
        merge_table(child(in, "EKUs"), "EKUs", map, ekus_);
        merge_table(child(in, "FileRules"), "FileRules", map, rules_);
        merge_signers(child(in, "Signers"), map);
        merge_scenarios(child(in, "SigningScenarios"), map);
        for (const char* list : {"UpdatePolicySigners", "CiSigners", "SupplementalPolicySigners"})
            merge_list(child(in, list), list, map);
        merge_settings(child(in, "Settings"));
    }

    MergeResult finish() {
        std::ostringstream out;
        result_.save(out, "  ", pugi::format_default | pugi::format_no_declaration,
                     pugi::encoding_utf8);
        MergeResult r;
        r.text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + out.str();
        r.duplicates = duplicates_;
        r.renamed = renamed_;
        return r;
    }

  private:
    static pugi::xml_node child(pugi::xml_node parent, const char* name) {
        return parent.child(name);
    }
    pugi::xml_node ensure(pugi::xml_node parent, const char* name) {
        pugi::xml_node c = parent.child(name);
        return c ? c : parent.append_child(name);
    }

    // A fresh ID for an added element whose own is taken.
    std::string claim(const std::string& id) {
        if (ids_.insert(id).second) return id;
        ++renamed_;
        for (int n = 2;; ++n) {
            std::string candidate = id + "_" + std::to_string(n);
            if (ids_.insert(candidate).second) return candidate;
        }
    }

    void index_table(const char* table, const IdMap& refs,
                     std::map<std::string, pugi::xml_node>& index) {
        for (auto e : child(root_, table).children())
            if (e.type() == pugi::node_element) index.emplace(content_key(e, refs), e);
    }

    void merge_table(pugi::xml_node list, const char* table, IdMap& map,
                     std::map<std::string, pugi::xml_node>& index) {
        if (!list) return;
        pugi::xml_node target = ensure(root_, table);
        for (auto e : list.children()) {
            if (e.type() != pugi::node_element) continue;
            const std::string id = e.attribute("ID").value();
            const std::string key = content_key(e, map);
            if (auto it = index.find(key); it != index.end()) {
                map[id] = it->second.attribute("ID").value();
                ++duplicates_;
                continue;
            }
            pugi::xml_node copy = target.append_copy(e);
            const std::string fresh = claim(id);
            copy.attribute("ID").set_value(fresh.c_str());
            map[id] = fresh;
            index.emplace(key, copy);
        }
    }

    std::string signer_key(pugi::xml_node s, const IdMap& refs) {
        const bool has_attribs = static_cast<bool>(s.child("FileAttribRef"));
        std::string key = content_key(s, refs, true);
        std::string attrs = s.attribute("SignTimeAfter").value();
        return key + (has_attribs ? "+attribs" : "") + attrs;
    }

    void merge_signers(pugi::xml_node list, IdMap& map) {
        if (!list) return;
        pugi::xml_node target = ensure(root_, "Signers");
        for (auto s : list.children("Signer")) {
            const std::string id = s.attribute("ID").value();
            const std::string key = signer_key(s, map);
            pugi::xml_node into;
            if (auto it = signers_.find(key); it != signers_.end()) {
                into = it->second;
                map[id] = into.attribute("ID").value();
                ++duplicates_;
            } else {
                into = target.append_copy(s);
                const std::string fresh = claim(id);
                into.attribute("ID").set_value(fresh.c_str());
                map[id] = fresh;
                signers_.emplace(key, into);
                for (auto c : into.children("CertEKU"))
                    c.attribute("ID").set_value(mapped(map, c.attribute("ID").value()).c_str());
                // The copy's FileAttribRefs are redone below, mapped.
                while (auto ref = into.child("FileAttribRef")) into.remove_child(ref);
            }
            std::set<std::string> have;
            for (auto r : into.children("FileAttribRef"))
                have.insert(r.attribute("RuleID").value());
            for (auto r : s.children("FileAttribRef")) {
                const std::string rule = mapped(map, r.attribute("RuleID").value());
                if (have.insert(rule).second)
                    into.append_child("FileAttribRef")
                        .append_attribute("RuleID")
                        .set_value(rule.c_str());
            }
        }
    }

    // Children of `from` (AllowedSigners, FileRulesRef, ...) added to `to` unless there already.
    void merge_entries(pugi::xml_node from, pugi::xml_node to, const IdMap& map) {
        std::set<std::string> have;
        IdMap none;
        for (auto e : to.children())
            if (e.type() == pugi::node_element) have.insert(content_key(e, none));
        for (auto e : from.children()) {
            if (e.type() != pugi::node_element) continue;
            pugi::xml_node copy = to.append_copy(e);
            remap(copy, map);
            if (!have.insert(content_key(copy, none)).second) {
                to.remove_child(copy);
                ++duplicates_;
            }
        }
    }

    static void remap(pugi::xml_node e, const IdMap& map) {
        for (auto a : e.attributes())
            if (is_reference(a.name())) a.set_value(mapped(map, a.value()).c_str());
        for (auto c : e.children())
            if (c.type() == pugi::node_element) remap(c, map);
    }

    void merge_scenarios(pugi::xml_node list, const IdMap& map) {
        if (!list) return;
        pugi::xml_node target = ensure(root_, "SigningScenarios");
        for (auto s : list.children("SigningScenario")) {
            const std::string value = s.attribute("Value").value();
            pugi::xml_node into =
                target.find_child_by_attribute("SigningScenario", "Value", value.c_str());
            if (!into) {
                pugi::xml_node copy = target.append_copy(s);
                copy.attribute("ID").set_value(claim(s.attribute("ID").value()).c_str());
                remap(copy, map);
                continue;
            }
            for (const char* group : {"ProductSigners", "TestSigners", "TestSigningSigners"}) {
                pugi::xml_node from = s.child(group);
                if (!from) continue;
                pugi::xml_node to = ensure(into, group);
                for (const char* part : {"AllowedSigners", "DeniedSigners", "FileRulesRef"}) {
                    if (pugi::xml_node f = from.child(part))
                        merge_entries(f, ensure(to, part), map);
                }
            }
        }
    }

    void merge_list(pugi::xml_node list, const char* name, const IdMap& map) {
        if (!list || !list.first_child()) return;
        merge_entries(list, ensure(root_, name), map);
    }

    void merge_settings(pugi::xml_node list) {
        if (!list) return;
        pugi::xml_node to = ensure(root_, "Settings");
        std::set<std::string> have;
        auto key = [](pugi::xml_node s) {
            return std::string(s.attribute("Provider").value()) + "\n" +
                   s.attribute("Key").value() + "\n" + s.attribute("ValueName").value();
        };
        for (auto s : to.children("Setting")) have.insert(key(s));
        for (auto s : list.children("Setting"))
            if (have.insert(key(s)).second)
                to.append_copy(s);
            else
                ++duplicates_;
    }

    pugi::xml_document result_;
    pugi::xml_node root_;
    std::set<std::string> ids_;
    std::map<std::string, pugi::xml_node> ekus_, rules_, signers_;
    std::size_t duplicates_ = 0, renamed_ = 0;
};

}  // namespace

MergeResult merge_policies(const std::vector<const XmlSource*>& sources) {
    if (sources.empty()) throw Error(ExitCode::usage, "merge: no policy given");
    Merger m(*sources.front());
    for (std::size_t i = 1; i < sources.size(); ++i) m.add(*sources[i]);
    return m.finish();
}

}  // namespace cipolicy::policy
