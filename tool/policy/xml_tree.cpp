#include "policy/xml_tree.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <utility>

#include <pugixml.hpp>

#include "core/error.hpp"
#include "core/utf8.hpp"
#include "platform/memory.hpp"

namespace cipolicy::policy {

XmlTree::~XmlTree() = default;

// The one pass takes the shapes policy files have, and declines (nullopt) anything else, which
// pugixml and the well-formedness scan then read and judge as before:
//   document  := ("<?xml" (blank | "?") ... "?>")? misc* element misc*
//   misc      := blank | comment
//   element   := "<" name (blank+ attribute)* blank* ("/>" | ">" content* "</" name blank* ">")
//   attribute := name blank* "=" blank* quoted value without '<'
//   content   := text | comment | element
// with ASCII names ([A-Za-z_:][A-Za-z0-9_:.-]*), no attribute given twice in a tag (at most 16 in
// a tag), and in values and text only the five named entities and numeric character references.
// The caller has checked the characters first (find_bad_characters). Values come out as pugixml
// gives them with the reader's options (parse_default | parse_comments): references replaced,
// line ends as '\n' in text and every blank as ' ' in attribute values, whitespace-only text
// dropped. Nothing of the text is changed.
class TreeBuilder {
  public:
    TreeBuilder(std::string_view text, XmlTree& tree) : t_(text), s_(text.data()), tree_(tree) {}

    bool run() {
        if (t_.size() >= std::numeric_limits<std::uint32_t>::max()) return false;
        std::size_t i = 0;
        if (t_.starts_with("<?xml") && t_.size() > 5 && (blank(s_[5]) || s_[5] == '?')) {
            const std::size_t end = t_.find("?>", 5);
            if (end == std::string_view::npos) return false;
            i = end + 2;
        }
        if (!misc(i) || at(i) != '<' || !name_start(at(i + 1))) return false;
        if (!root(i)) return false;
        return misc(i) && i == t_.size();
    }

  private:
    using Node = XmlTree::Node;
    static constexpr std::uint32_t kNone = XmlTree::kNone;
    static constexpr std::size_t kMostAttributes = 16;  // beyond: pugixml and the scan's set

    // One table look-up a character: names and blanks are most of what the pass steps through.
    enum : std::uint8_t { kBlank = 1, kNameStart = 2, kNameChar = 4 };
    static constexpr std::array<std::uint8_t, 256> kClass = [] {
        std::array<std::uint8_t, 256> c{};
        for (const unsigned char b : {' ', '\t', '\r', '\n'}) c[b] = kBlank;
        for (int b = 0; b < 256; ++b) {
            const bool start =
                (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_' || b == ':';
            if (start) c[b] = kNameStart | kNameChar;
            if ((b >= '0' && b <= '9') || b == '.' || b == '-') c[b] = kNameChar;
        }
        return c;
    }();
    static bool is(char c, std::uint8_t kind) {
        return (kClass[static_cast<unsigned char>(c)] & kind) != 0;
    }
    static bool blank(char c) { return is(c, kBlank); }
    static bool name_start(char c) { return is(c, kNameStart); }
    static bool name_char(char c) { return is(c, kNameChar); }

    // The first byte of `s` below 0x20, '&' or '<' (what a value may need decoded, or what makes
    // it the general reading's), sixteen bytes a step; s.size() when there is none. Hash values,
    // most of a block list, have none.
    static std::size_t first_special(std::string_view s) {
        std::size_t i = 0;
#if defined(__GNUC__)
        // Vector compares (SSE2, NEON).
        typedef unsigned char Bytes16 __attribute__((vector_size(16)));
        for (; i + 16 <= s.size(); i += 16) {
            Bytes16 v;
            std::memcpy(&v, s.data() + i, 16);
            const Bytes16 hit = (v < 0x20) | (v == '&') | (v == '<');
            std::uint64_t w[2];
            std::memcpy(w, &hit, 16);
            if ((w[0] | w[1]) != 0) break;
        }
#endif
        for (; i < s.size(); ++i) {
            const char c = s[i];
            if (static_cast<unsigned char>(c) < 0x20 || c == '&' || c == '<') return i;
        }
        return s.size();
    }

    char at(std::size_t i) const {
        return i < t_.size() ? s_[i] : '\0';
    }
    std::size_t skip_blanks(std::size_t i) const {
        while (i < t_.size() && blank(s_[i])) ++i;
        return i;
    }
    std::size_t name_end(std::size_t i) const {
        while (i < t_.size() && name_char(s_[i])) ++i;
        return i;
    }

    // Blanks and comments outside the root element; stops at anything else.
    bool misc(std::size_t& i) const {
        for (;;) {
            i = skip_blanks(i);
            if (!t_.substr(i).starts_with("<!--")) return true;
            const std::size_t end = t_.find("-->", i + 4);
            if (end == std::string_view::npos) return false;
            i = end + 3;
        }
    }

    struct Open {
        std::uint32_t node;
        std::uint32_t last_child;
    };

    std::uint32_t add_node(const Node& n) {
        const auto index = static_cast<std::uint32_t>(tree_.nodes_.size());
        tree_.nodes_.push_back(n);
        if (!open_.empty()) {
            Open& parent = open_.back();
            if (parent.last_child == kNone)
                tree_.nodes_[parent.node].first_child = index;
            else
                tree_.nodes_[parent.last_child].next_sibling = index;
            parent.last_child = index;
        }
        return index;
    }

    // The root element and all it holds; `i` at its '<', then past its end.
    bool root(std::size_t& i) {
        // A block list: a few thousand elements, two or three attributes each.
        tree_.nodes_.reserve(t_.size() / 96);
        tree_.attributes_.reserve(t_.size() / 48);
        platform::prepare_for_writing(tree_.nodes_.data(), tree_.nodes_.capacity() * sizeof(Node));
        platform::prepare_for_writing(tree_.attributes_.data(),
                                      tree_.attributes_.capacity() * sizeof(XmlTree::Attribute));
        if (!start_tag(i)) return false;
        while (!open_.empty()) {
            const void* lt = std::memchr(s_ + i, '<', t_.size() - i);
            if (!lt) return false;
            const std::size_t tag = static_cast<const char*>(lt) - s_;
            if (tag > i && !text(i, tag)) return false;
            i = tag;
            const char next = at(tag + 1);
            if (next == '/') {
                if (!end_tag(i)) return false;
            } else if (next == '!') {
                if (!comment(i)) return false;
            } else if (name_start(next)) {
                if (!start_tag(i)) return false;
            } else {
                return false;  // a processing instruction, or not well-formed
            }
        }
        return true;
    }

    bool start_tag(std::size_t& i) {
        const std::size_t name = i + 1;
        std::size_t j = name_end(name);
        Node n;
        n.name = s_ + name;
        n.name_size = static_cast<std::uint32_t>(j - name);
        n.offset = static_cast<std::uint32_t>(name);
        n.first_attribute = static_cast<std::uint32_t>(tree_.attributes_.size());
        const std::uint32_t node = add_node(n);
        for (;;) {
            const std::size_t before = j;
            j = skip_blanks(j);
            const char c = at(j);
            if (c == '>' || (c == '/' && at(j + 1) == '>')) {
                tree_.nodes_[node].attribute_count = static_cast<std::uint16_t>(
                    tree_.attributes_.size() - tree_.nodes_[node].first_attribute);
                if (c == '>') open_.push_back({node, kNone});
                i = j + (c == '>' ? 1 : 2);
                return true;
            }
            // An attribute, after at least one blank.
            if (j == before || !name_start(c)) return false;
            const std::size_t attr = j;
            j = name_end(j);
            const std::string_view attr_name(s_ + attr, j - attr);
            j = skip_blanks(j);
            if (at(j) != '=') return false;
            j = skip_blanks(j + 1);
            const char quote = at(j);
            if (quote != '"' && quote != '\'') return false;
            const std::size_t value = j + 1;
            const void* close = std::memchr(s_ + value, quote, t_.size() - value);
            if (!close) return false;
            j = static_cast<const char*>(close) - s_;
            const std::string_view raw(s_ + value, j - value);
            ++j;
            // Given twice: the scan's error, through the general reading.
            const std::size_t first = tree_.nodes_[node].first_attribute;
            if (tree_.attributes_.size() - first >= kMostAttributes) return false;
            for (std::size_t k = first; k < tree_.attributes_.size(); ++k)
                if (std::string_view(tree_.attributes_[k].name, tree_.attributes_[k].name_size) ==
                    attr_name)
                    return false;
            std::string_view cooked;
            if (!decode(raw, Value::attribute, cooked)) return false;
            tree_.attributes_.push_back({attr_name.data(), cooked.data(),
                                         static_cast<std::uint32_t>(attr_name.size()),
                                         static_cast<std::uint32_t>(cooked.size())});
        }
    }

    bool end_tag(std::size_t& i) {
        const Node& open = tree_.nodes_[open_.back().node];
        const std::size_t name = i + 2;
        const std::size_t j = name_end(name);
        if (std::string_view(s_ + name, j - name) != std::string_view(open.name, open.name_size))
            return false;
        const std::size_t gt = skip_blanks(j);
        if (at(gt) != '>') return false;
        open_.pop_back();
        i = gt + 1;
        return true;
    }

    bool comment(std::size_t& i) {
        if (!t_.substr(i).starts_with("<!--")) return false;  // CDATA, DOCTYPE: not here
        const std::size_t end = t_.find("-->", i + 4);
        if (end == std::string_view::npos) return false;
        Node n;
        n.type = XmlNodeType::comment;
        n.offset = static_cast<std::uint32_t>(i + 4);
        std::string_view cooked;
        if (!decode(std::string_view(s_ + i + 4, end - i - 4), Value::comment, cooked))
            return false;
        n.name = cooked.data();
        n.name_size = static_cast<std::uint32_t>(cooked.size());
        add_node(n);
        i = end + 3;
        return true;
    }

    // Text between two tags: a node unless it is blanks only.
    bool text(std::size_t from, std::size_t to) {
        const std::string_view raw(s_ + from, to - from);
        std::size_t k = 0;
        while (k < raw.size() && blank(raw[k])) ++k;
        if (k == raw.size()) return true;
        std::string_view cooked;
        if (!decode(raw, Value::text, cooked)) return false;
        Node n;
        n.type = XmlNodeType::pcdata;
        n.name = cooked.data();
        n.name_size = static_cast<std::uint32_t>(cooked.size());
        n.offset = static_cast<std::uint32_t>(from);
        add_node(n);
        return true;
    }

    // Room for `size` decoded bytes that stay where they are while the tree grows.
    char* claim(std::size_t size) {
        if (pool_left_ < size) {
            const std::size_t chunk = std::max<std::size_t>(size, 16384);
            tree_.decoded_.push_back(std::make_unique<char[]>(chunk));
            pool_ = tree_.decoded_.back().get();
            pool_left_ = chunk;
        }
        char* out = pool_;
        pool_ += size;
        pool_left_ -= size;
        return out;
    }

    // What decode() is decoding: each kind as pugixml's options treat it.
    enum class Value { attribute, text, comment };

    // A value as pugixml gives it: in an attribute every blank a space ("\r\n" one space), in
    // text and comments "\r\n" and a lone '\r' as '\n' (parse_eol), references replaced except
    // in comments. False for a reference of another kind (pugixml leaves those as they are) or a
    // '<' in an attribute value (the scan refuses it).
    bool decode(std::string_view raw, Value kind, std::string_view& out) {
        const bool attribute = kind == Value::attribute;
        std::size_t k = first_special(raw);
        if (k == raw.size()) {
            out = raw;  // nearly every value: a view into the text
            return true;
        }
        char* o = claim(raw.size());  // decoding never lengthens
        std::memcpy(o, raw.data(), k);
        std::size_t n = k;
        for (; k < raw.size(); ++k) {
            const char c = raw[k];
            if (c == '\r') {
                o[n++] = attribute ? ' ' : '\n';
                if (k + 1 < raw.size() && raw[k + 1] == '\n') ++k;
            } else if (attribute && (c == '\n' || c == '\t')) {
                o[n++] = ' ';
            } else if (attribute && c == '<') {
                return false;
            } else if (c == '&' && kind != Value::comment) {
                const std::size_t used = reference(raw.substr(k), o + n, n);
                if (used == 0) return false;
                k += used - 1;
            } else {
                o[n++] = c;
            }
        }
        out = {o, n};
        return true;
    }

    // The reference at the start of `ref`, written at `o` (n grows by what was written); the
    // length of the reference, or 0 when it is not one the one pass takes.
    static std::size_t reference(std::string_view ref, char* o, std::size_t& n) {
        static constexpr std::pair<std::string_view, char> kNamed[] = {
            {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&apos;", '\''}, {"&quot;", '"'}};
        for (const auto& [name, c] : kNamed)
            if (ref.starts_with(name)) {
                o[0] = c;
                ++n;
                return name.size();
            }
        if (!ref.starts_with("&#")) return 0;
        const bool hex = ref.size() > 2 && ref[2] == 'x';
        std::size_t k = hex ? 3 : 2;
        std::uint32_t cp = 0;
        const std::size_t first_digit = k;
        for (; k < ref.size() && k - first_digit < 8; ++k) {
            const char c = ref[k];
            int d = -1;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (hex && (c | ' ') >= 'a' && (c | ' ') <= 'f')
                d = (c | ' ') - 'a' + 10;
            if (d < 0) break;
            cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
        }
        if (k == first_digit || k >= ref.size() || ref[k] != ';') return 0;
        // XML's characters only (the character check has refused others already).
        if (!is_xml_char(cp)) return 0;
        n += encode_utf8(cp, o);
        return k + 1;
    }

    std::string_view t_;
    const char* s_;
    XmlTree& tree_;
    std::vector<Open> open_;
    char* pool_ = nullptr;
    std::size_t pool_left_ = 0;
};

std::optional<XmlTree> XmlTree::read(std::string_view text) {
    XmlTree tree;
    if (!TreeBuilder(text, tree).run()) return std::nullopt;
    return tree;
}

XmlTree XmlTree::from_pugi(const pugi::xml_document& document, const std::string& source) {
    XmlTree tree;
    const pugi::xml_node root = document.document_element();
    if (!root) return tree;
    const auto view = [](const char* s) { return std::string_view(s ? s : ""); };
    // Depth first without recursion: a hostile document may nest deeply.
    struct Pending {
        pugi::xml_node source;
        std::uint32_t parent;
    };
    std::vector<Pending> pending{{root, kNone}};
    std::vector<std::uint32_t> last_child;  // per node copied, its last child so far
    while (!pending.empty()) {
        const Pending p = pending.back();
        pending.pop_back();
        Node n;
        const pugi::xml_node_type type = p.source.type();
        if (type == pugi::node_element) {
            n.type = XmlNodeType::element;
            const std::string_view name = view(p.source.name());
            n.name = name.data();
            n.name_size = static_cast<std::uint32_t>(name.size());
        } else if (type == pugi::node_pcdata || type == pugi::node_cdata ||
                   type == pugi::node_comment) {
            n.type = type == pugi::node_pcdata  ? XmlNodeType::pcdata
                     : type == pugi::node_cdata ? XmlNodeType::cdata
                                                : XmlNodeType::comment;
            const std::string_view value = view(p.source.value());
            n.name = value.data();
            n.name_size = static_cast<std::uint32_t>(value.size());
        } else {
            continue;  // declarations, processing instructions: not in the reader's tree
        }
        n.offset = static_cast<std::uint32_t>(std::max<std::ptrdiff_t>(0, p.source.offset_debug()));
        n.first_attribute = static_cast<std::uint32_t>(tree.attributes_.size());
        for (const pugi::xml_attribute a : p.source.attributes()) {
            const std::string_view name = view(a.name()), value = view(a.value());
            tree.attributes_.push_back({name.data(), value.data(),
                                        static_cast<std::uint32_t>(name.size()),
                                        static_cast<std::uint32_t>(value.size())});
        }
        if (tree.attributes_.size() - n.first_attribute > 0xFFFF)
            throw Error(ExitCode::input, source +
                                             ": an element has more than 65,535 attributes (a "
                                             "policy's elements have at most 17)");
        n.attribute_count = static_cast<std::uint16_t>(tree.attributes_.size() - n.first_attribute);
        const auto index = static_cast<std::uint32_t>(tree.nodes_.size());
        tree.nodes_.push_back(n);
        last_child.push_back(kNone);
        if (p.parent != kNone) {
            if (last_child[p.parent] == kNone)
                tree.nodes_[p.parent].first_child = index;
            else
                tree.nodes_[last_child[p.parent]].next_sibling = index;
            last_child[p.parent] = index;
        }
        // Children in reverse onto the stack, so that they are copied first to last.
        for (pugi::xml_node c = p.source.last_child(); c; c = c.previous_sibling())
            pending.push_back({c, index});
    }
    return tree;
}

}  // namespace cipolicy::policy
