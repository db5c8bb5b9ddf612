#include "policy/xml_edit.hpp"

#include <algorithm>
#include <sstream>
#include <vector>

namespace cipolicy::policy {
namespace {

bool is_blank(const pugi::xml_node& n) {
    if (n.type() != pugi::node_pcdata) return false;
    const std::string_view v = n.value();
    return v.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// The line break the document uses: "\r\n" if any indentation has one.
std::string newline_of(const pugi::xml_node& any) {
    const auto crlf = any.root().find_node([](pugi::xml_node n) {
        return is_blank(n) && std::string_view(n.value()).find("\r\n") != std::string_view::npos;
    });
    return crlf ? "\r\n" : "\n";
}

// The whitespace after the last line break before `node`, or nullopt-like "" with ok=false.
bool indentation_before(const pugi::xml_node& node, std::string& indent) {
    const auto prev = node.previous_sibling();
    if (!prev || !is_blank(prev)) return false;
    const std::string_view v = prev.value();
    const auto nl = v.find_last_of('\n');
    if (nl == std::string_view::npos) return false;
    indent = std::string(v.substr(nl + 1));
    return true;
}

std::string parent_indent(const pugi::xml_node& parent) {
    std::string indent;
    indentation_before(parent, indent);
    return indent;
}

std::string child_indent(const pugi::xml_node& parent) {
    for (auto c = parent.first_child(); c; c = c.next_sibling()) {
        std::string indent;
        if (c.type() == pugi::node_element && indentation_before(c, indent)) return indent;
    }
    // No indented child to copy: one step deeper than the parent, in the document's own step.
    const std::string outer = parent_indent(parent);
    std::string step = "  ";
    if (parent.parent() && parent.parent().type() == pugi::node_element) {
        const std::string grand = parent_indent(parent.parent());
        if (outer.size() > grand.size()) step = outer.substr(grand.size());
    }
    return outer + step;
}

}  // namespace

pugi::xml_node append_indented(pugi::xml_node parent, const char* name) {
    const std::string nl = newline_of(parent);
    const std::string inner = child_indent(parent);
    auto last = parent.last_child();
    if (last && is_blank(last)) {
        // "<Parent>\n    <A/>\n  </Parent>": the new child goes before the closing indentation.
        parent.insert_child_before(pugi::node_pcdata, last).set_value((nl + inner).c_str());
        return parent.insert_child_before(name, last);
    }
    parent.append_child(pugi::node_pcdata).set_value((nl + inner).c_str());
    auto child = parent.append_child(name);
    parent.append_child(pugi::node_pcdata).set_value((nl + parent_indent(parent)).c_str());
    return child;
}

pugi::xml_node insert_after_indented(pugi::xml_node node, const char* name) {
    std::string indent;
    indentation_before(node, indent);
    auto parent = node.parent();
    auto space = parent.insert_child_after(pugi::node_pcdata, node);
    space.set_value((newline_of(node) + indent).c_str());
    return parent.insert_child_after(name, space);
}

void remove_indented(pugi::xml_node node) {
    auto parent = node.parent();
    const auto prev = node.previous_sibling();
    if (prev && is_blank(prev)) parent.remove_child(prev);
    parent.remove_child(node);
}

pugi::xml_node ensure_child(pugi::xml_node parent, const char* name) {
    if (auto c = parent.child(name)) return c;
    return append_indented(parent, name);
}

std::string unused_id(const pugi::xml_document& doc, const char* attribute,
                      std::string_view prefix) {
    for (int n = 1;; ++n) {
        const std::string candidate = std::string(prefix) + std::to_string(n);
        const auto taken = doc.find_node([&](pugi::xml_node e) {
            return std::string_view(e.attribute(attribute).value()) == candidate;
        });
        if (!taken) return candidate;
    }
}

namespace {

// The index of the '>' that ends the tag starting at `lt` ('<'), skipping quoted values.
std::size_t tag_end(std::string_view xml, std::size_t lt) {
    char quote = 0;
    for (std::size_t n = lt + 1; n < xml.size(); ++n) {
        if (quote) {
            if (xml[n] == quote) quote = 0;
        } else if (xml[n] == '"' || xml[n] == '\'') {
            quote = xml[n];
        } else if (xml[n] == '>') {
            return n;
        }
    }
    return xml.size();
}

// pugixml writes every empty element as <X/>; Microsoft's tools write <X />, and a file may mix
// both. Each element of `body` (pugixml's output for `root`) gets the form it had in `original`;
// a new one gets the form most of the original uses.
std::string restore_empty_tags(const std::string& body, const pugi::xml_node& root,
                               std::string_view original) {
    std::vector<bool> spaced;  // per element, in document (= output) order
    const bool usual = original.find(" />") != std::string_view::npos &&
                       original.find(" />") == original.find("/>") - 1;
    for (auto e = root; e;) {
        bool space = usual;
        if (e.offset_debug() > 0) {
            const auto lt = static_cast<std::size_t>(e.offset_debug() - 1);
            const auto gt = tag_end(original, lt);
            if (gt < original.size() && original[gt - 1] == '/') space = original[gt - 2] == ' ';
        }
        spaced.push_back(space);
        // Pre-order walk over elements only.
        auto next = e.find_child([](pugi::xml_node c) { return c.type() == pugi::node_element; });
        while (!next && e && e != root) {
            next = e.next_sibling();
            while (next && next.type() != pugi::node_element) next = next.next_sibling();
            if (!next) e = e.parent();
        }
        e = next;
    }
    std::string out;
    out.reserve(body.size() + body.size() / 32);
    std::size_t element = 0;
    for (std::size_t i = 0; i < body.size();) {
        const std::string_view rest(body.data() + i, body.size() - i);
        const auto copy_to = [&](std::string_view end) {
            const auto at = rest.find(end);
            const std::size_t n = at == std::string_view::npos ? rest.size() : at + end.size();
            out.append(rest.substr(0, n));
            i += n;
        };
        if (rest.starts_with("<!--")) {
            copy_to("-->");
        } else if (rest.starts_with("<![CDATA[")) {
            copy_to("]]>");
        } else if (rest.starts_with("<?") || rest.starts_with("<!") || rest.starts_with("</")) {
            copy_to(">");
        } else if (rest.starts_with("<")) {
            const std::size_t n = std::min(tag_end(rest, 0) + 1, rest.size());
            std::string tag(rest.substr(0, n));
            const bool space = element < spaced.size() && spaced[element];
            ++element;
            if (space && tag.size() >= 3 && tag.ends_with("/>") && tag[tag.size() - 3] != ' ')
                tag.insert(tag.size() - 2, " ");
            out += tag;
            i += n;
        } else {
            out += body[i++];
        }
    }
    return out;
}

}  // namespace

std::string save_xml(const XmlSource& source) {
    // pugixml drops the whitespace outside the root element; the original text supplies it (and
    // the declaration and anything else before the root, which edits never touch).
    const auto root = source.document().document_element();
    const std::string& original = source.text();
    const auto root_start =
        static_cast<std::size_t>(std::max<std::ptrdiff_t>(1, root.offset_debug()) - 1);
    const auto last_tag_end = original.find_last_of('>');
    std::ostringstream body;
    root.print(body, "", pugi::format_raw, pugi::encoding_utf8);
    std::string out = original.substr(0, std::min(root_start, original.size()));
    out += restore_empty_tags(body.str(), root, original);
    if (last_tag_end != std::string::npos) out += original.substr(last_tag_end + 1);
    return encode_xml(out, source.encoding());
}

}  // namespace cipolicy::policy
