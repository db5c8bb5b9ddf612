#pragma once
// The element tree the policy reader walks: elements, their attributes and text, with the offset
// of each node in the text for error locations. Names and values are views, into the text where
// nothing needed decoding, otherwise into storage the tree owns.
//
// Read by XmlTree::read() in one pass that also judges the document well-formed, for the
// documents a policy is (see xml_tree.cpp for the shapes it takes). A document of another shape
// is read by pugixml and the well-formedness scan as before, and its pugixml tree copied in
// (from_pugi): the two give equal trees wherever the one pass succeeds, which a differential test
// and the policy XML fuzz target check.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pugi {
class xml_document;
}  // namespace pugi

namespace cipolicy::policy {

enum class XmlNodeType : std::uint8_t { element, pcdata, cdata, comment };

class XmlTree;

class XmlAttribute {
  public:
    XmlAttribute() = default;
    explicit operator bool() const { return tree_ != nullptr; }
    bool operator!() const { return tree_ == nullptr; }
    // Empty for a null attribute, as pugixml's.
    std::string_view name() const;
    std::string_view value() const;
    // The next attribute of the same element, or null.
    XmlAttribute next_attribute() const;
    friend bool operator==(const XmlAttribute&, const XmlAttribute&) = default;

  private:
    friend class XmlTree;
    friend class XmlNode;
    XmlAttribute(const XmlTree* tree, std::uint32_t index, std::uint32_t end)
        : tree_(tree), index_(index), end_(end) {}
    const XmlTree* tree_ = nullptr;
    std::uint32_t index_ = 0;
    std::uint32_t end_ = 0;  // one past the element's last attribute
};

class XmlNode {
  public:
    XmlNode() = default;
    explicit operator bool() const { return tree_ != nullptr; }
    bool operator!() const { return tree_ == nullptr; }
    friend bool operator==(const XmlNode&, const XmlNode&) = default;

    XmlNodeType type() const;
    std::string_view name() const;   // an element's; empty for other nodes
    std::string_view value() const;  // text, CDATA or comment; empty for an element
    // Where the node starts in the text: an element's name (after '<'), a text's first byte.
    std::ptrdiff_t offset_debug() const;

    XmlNode first_child() const;
    XmlNode next_sibling() const;
    XmlNode next_sibling(std::string_view name) const;  // the next element called `name`
    XmlNode child(std::string_view name) const;         // the first child element called `name`
    // The first text or CDATA child's value, as pugixml's child_value.
    std::string_view child_value() const;
    template <class Predicate>
    XmlNode find_child(Predicate p) const {
        for (XmlNode c = first_child(); c; c = c.next_sibling())
            if (p(c)) return c;
        return {};
    }

    XmlAttribute attribute(std::string_view name) const;
    XmlAttribute first_attribute() const;

    // Ranges for range-for: every child, the child elements called `name`, the attributes.
    template <class Item, class Step>
    struct Range {
        struct iterator {
            Item item;
            Step step;
            Item operator*() const { return item; }
            iterator& operator++() {
                item = step(item);
                return *this;
            }
            bool operator!=(const iterator& o) const { return !(item == o.item); }
        };
        Item first;
        Step step;
        iterator begin() const { return {first, step}; }
        iterator end() const { return {Item{}, step}; }
    };
    auto children() const {
        const auto step = [](XmlNode n) { return n.next_sibling(); };
        return Range<XmlNode, decltype(step)>{first_child(), step};
    }
    auto children(std::string_view name) const {
        const auto step = [name](XmlNode n) { return n.next_sibling(name); };
        return Range<XmlNode, decltype(step)>{child(name), step};
    }
    auto attributes() const {
        const auto step = [](XmlAttribute a) { return a.next_attribute(); };
        return Range<XmlAttribute, decltype(step)>{first_attribute(), step};
    }

  private:
    friend class XmlTree;
    XmlNode(const XmlTree* tree, std::uint32_t index) : tree_(tree), index_(index) {}
    const XmlTree* tree_ = nullptr;
    std::uint32_t index_ = 0;
};

class XmlTree {
  public:
    // The tree of `text` (UTF-8 without a byte order mark), or nullopt when the one pass does not
    // take it: a document of another shape, or not well-formed. `text` must outlive the tree.
    static std::optional<XmlTree> read(std::string_view text);
    // A copy of the tree pugixml parsed with the reader's options; `document` must outlive it.
    // Error(input) naming `source` for an element of more than 65,535 attributes.
    static XmlTree from_pugi(const pugi::xml_document& document, const std::string& source);

    XmlTree() = default;
    XmlTree(XmlTree&&) noexcept = default;
    XmlTree& operator=(XmlTree&&) noexcept = default;
    ~XmlTree();

    // The root element (null for an empty tree).
    XmlNode root() const { return nodes_.empty() ? XmlNode{} : XmlNode{this, 0}; }

  private:
    friend class XmlNode;
    friend class XmlAttribute;
    friend class TreeBuilder;
    static constexpr std::uint32_t kNone = 0xFFFFFFFF;
    struct Node {
        const char* name = nullptr;  // or the value of a text, CDATA or comment node
        std::uint32_t name_size = 0;
        std::uint32_t offset = 0;
        std::uint32_t first_child = kNone;
        std::uint32_t next_sibling = kNone;
        std::uint32_t first_attribute = 0;
        std::uint16_t attribute_count = 0;
        XmlNodeType type = XmlNodeType::element;
    };  // 32 bytes: a block list has thousands
    struct Attribute {
        const char* name;
        const char* value;
        std::uint32_t name_size;
        std::uint32_t value_size;
    };
    std::vector<Node> nodes_;
    std::vector<Attribute> attributes_;
    // Values that needed decoding (entities, line ends), each chunk allocated once: views into
    // them stay valid as the tree grows.
    std::vector<std::unique_ptr<char[]>> decoded_;
};

// Inline: the reader asks these thousands of times per block list.
inline XmlNodeType XmlNode::type() const {
    return tree_->nodes_[index_].type;
}
inline std::string_view XmlNode::name() const {
    if (!tree_) return {};
    const auto& n = tree_->nodes_[index_];
    return n.type == XmlNodeType::element ? std::string_view(n.name, n.name_size)
                                          : std::string_view{};
}
inline std::string_view XmlNode::value() const {
    if (!tree_) return {};
    const auto& n = tree_->nodes_[index_];
    return n.type == XmlNodeType::element ? std::string_view{}
                                          : std::string_view(n.name, n.name_size);
}
inline std::ptrdiff_t XmlNode::offset_debug() const {
    return tree_ ? static_cast<std::ptrdiff_t>(tree_->nodes_[index_].offset) : -1;
}
inline XmlNode XmlNode::first_child() const {
    if (!tree_) return {};
    const std::uint32_t c = tree_->nodes_[index_].first_child;
    return c == XmlTree::kNone ? XmlNode{} : XmlNode{tree_, c};
}
inline XmlNode XmlNode::next_sibling() const {
    if (!tree_) return {};
    const std::uint32_t s = tree_->nodes_[index_].next_sibling;
    return s == XmlTree::kNone ? XmlNode{} : XmlNode{tree_, s};
}
inline XmlNode XmlNode::next_sibling(std::string_view name) const {
    for (XmlNode s = next_sibling(); s; s = s.next_sibling())
        if (s.type() == XmlNodeType::element && s.name() == name) return s;
    return {};
}
inline XmlNode XmlNode::child(std::string_view name) const {
    for (XmlNode c = first_child(); c; c = c.next_sibling())
        if (c.type() == XmlNodeType::element && c.name() == name) return c;
    return {};
}
inline std::string_view XmlNode::child_value() const {
    for (XmlNode c = first_child(); c; c = c.next_sibling())
        if (c.type() == XmlNodeType::pcdata || c.type() == XmlNodeType::cdata) return c.value();
    return {};
}
inline XmlAttribute XmlNode::first_attribute() const {
    if (!tree_) return {};
    const auto& n = tree_->nodes_[index_];
    return n.attribute_count == 0
               ? XmlAttribute{}
               : XmlAttribute{tree_, n.first_attribute, n.first_attribute + n.attribute_count};
}
inline XmlAttribute XmlNode::attribute(std::string_view name) const {
    for (XmlAttribute a = first_attribute(); a; a = a.next_attribute())
        if (a.name() == name) return a;
    return {};
}
inline std::string_view XmlAttribute::name() const {
    if (!tree_) return {};
    const auto& a = tree_->attributes_[index_];
    return {a.name, a.name_size};
}
inline std::string_view XmlAttribute::value() const {
    if (!tree_) return {};
    const auto& a = tree_->attributes_[index_];
    return {a.value, a.value_size};
}
inline XmlAttribute XmlAttribute::next_attribute() const {
    return tree_ && index_ + 1 < end_ ? XmlAttribute{tree_, index_ + 1, end_} : XmlAttribute{};
}

}  // namespace cipolicy::policy
