#pragma once
// The differential check of the reader's one-pass XML tree (policy/xml_tree.hpp): wherever the
// one pass takes a document, the general reading (the well-formedness scan and pugixml, with the
// reader's options) must take it too and give an equal tree: the same nodes in the same order,
// with the same types, names, values, offsets and attributes. Used by the unit tests and by the
// policy XML fuzz target.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

#include "policy/xml_tree.hpp"
#include "policy/xml_wellformed.hpp"

namespace cipolicy::test {

// The general reading's tree of `text`, or nullopt when it refuses the document. `doc` holds what
// the tree views.
inline std::optional<policy::XmlTree> general_tree(std::string_view text, pugi::xml_document& doc) {
    if (policy::find_not_well_formed(text)) return std::nullopt;
    if (!doc.load_buffer(text.data(), text.size(), pugi::parse_default | pugi::parse_comments,
                         pugi::encoding_utf8))
        return std::nullopt;
    return policy::XmlTree::from_pugi(doc, "general.xml");
}

// The first difference between two trees, or nullopt when they are equal.
inline std::optional<std::string> tree_difference(const policy::XmlTree& a,
                                                  const policy::XmlTree& b) {
    using policy::XmlNode;
    std::vector<std::pair<XmlNode, XmlNode>> pending{{a.root(), b.root()}};
    while (!pending.empty()) {
        const auto [x, y] = pending.back();
        pending.pop_back();
        if (!x || !y) {
            if (bool(x) != bool(y)) return std::string("a node on one side only");
            continue;
        }
        const std::string at = "node at offset " + std::to_string(x.offset_debug());
        if (x.type() != y.type()) return at + ": types differ";
        if (x.offset_debug() != y.offset_debug())
            return at + ": offsets differ (" + std::to_string(y.offset_debug()) + ")";
        if (x.name() != y.name()) return at + ": names differ";
        if (x.value() != y.value())
            return at + ": values differ ('" + std::string(x.value()) + "' and '" +
                   std::string(y.value()) + "')";
        auto p = x.first_attribute();
        auto q = y.first_attribute();
        for (; p && q; p = p.next_attribute(), q = q.next_attribute())
            if (p.name() != q.name() || p.value() != q.value())
                return at + ": attribute " + std::string(p.name()) + " differs ('" +
                       std::string(p.value()) + "' and '" + std::string(q.value()) + "')";
        if (bool(p) != bool(q)) return at + ": attribute counts differ";
        if (bool(x.next_sibling()) != bool(y.next_sibling())) return at + ": sibling counts differ";
        pending.emplace_back(x.next_sibling(), y.next_sibling());
        pending.emplace_back(x.first_child(), y.first_child());
    }
    return std::nullopt;
}

}  // namespace cipolicy::test
