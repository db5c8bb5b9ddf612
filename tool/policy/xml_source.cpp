#include "policy/xml_source.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <type_traits>
#include <utility>

#include "core/bounded_read.hpp"
#include "core/error.hpp"
#include "core/quote.hpp"
#include "policy/xml_wellformed.hpp"

namespace cipolicy::policy {

XmlSource::XmlSource(std::filesystem::path path, std::string text, bool keep_formatting)
    : XmlSource(std::move(path), std::move(text), keep_formatting, false) {}

namespace {
constexpr unsigned kReadOptions = pugi::parse_default | pugi::parse_comments;
// Line ends too (no parse_eol): an edited CRLF document stays CRLF.
constexpr unsigned kFormattingOptions =
    (kReadOptions | pugi::parse_ws_pcdata | pugi::parse_declaration | pugi::parse_doctype |
     pugi::parse_pi) &
    ~pugi::parse_eol;
}  // namespace

XmlSource::XmlSource(std::filesystem::path path, std::string text, bool keep_formatting,
                     bool in_place)
    : path_(std::move(path)) {
    DecodedXml decoded = decode_xml(std::move(text), path_.string());
    text_ = std::move(decoded.utf8);
    encoding_ = decoded.encoding;
    // The one pass reads a policy of the usual shape (xml_tree.hpp); pugixml and the scan judge
    // and read any other document, and place its errors.
    std::optional<XmlTree> tree;
    if (!find_bad_characters(text_)) tree = XmlTree::read(text_);
    if (keep_formatting) {
        // The scan runs once, and not at all after the one pass has judged the text.
        doc_ = std::make_unique<pugi::xml_document>();
        parse_checked(*doc_, kFormattingOptions, false, tree.has_value());
        if (!tree) {
            read_doc_ = std::make_unique<pugi::xml_document>();
            parse_checked(*read_doc_, kReadOptions, false, true);
            tree = XmlTree::from_pugi(*read_doc_, path_.string());
        }
    } else if (!tree) {
        doc_ = std::make_unique<pugi::xml_document>();
        in_place_ = in_place;
        parse_checked(*doc_, kReadOptions, in_place, false);
        tree = XmlTree::from_pugi(*doc_, path_.string());
    }
    tree_ = std::move(*tree);
    if (doc_) std::call_once(parsed_, [] {});
}

void XmlSource::parse_checked(pugi::xml_document& doc, unsigned options, bool in_place,
                              bool judged) {
    // What pugixml takes but XML 1.0 refuses, judged on the text before an in-place parse
    // rewrites it; reported only when pugixml finds nothing first, as the scan assumes.
    std::optional<WellFormedError> bad;
    if (!judged) bad = find_not_well_formed(text_);
    // As UTF-8, so that pugixml's offsets index text_ (in place) or its copy of it.
    const auto result =
        in_place ? doc.load_buffer_inplace(text_.data(), text_.size(), options, pugi::encoding_utf8)
                 : doc.load_buffer(text_.data(), text_.size(), options, pugi::encoding_utf8);
    if (!result)
        bad = WellFormedError{static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, result.offset)),
                              result.description()};
    if (bad) {
        const auto p = position(bad->offset);
        throw Error(ExitCode::input, path_.string() + "(" + std::to_string(p.line) + "," +
                                         std::to_string(p.column) +
                                         "): not well-formed XML: " + bad->problem);
    }
}

const pugi::xml_document& XmlSource::document() const {
    // A document the one pass has read: pugixml takes it too (the differential test's claim).
    std::call_once(parsed_, [this] {
        auto doc = std::make_unique<pugi::xml_document>();
        if (!doc->load_buffer(text_.data(), text_.size(), kReadOptions, pugi::encoding_utf8))
            throw Error(ExitCode::internal,
                        path_.string() + ": pugixml refused a document the reader took");
        doc_ = std::move(doc);
    });
    return *doc_;
}

pugi::xml_document& XmlSource::document() {
    return const_cast<pugi::xml_document&>(std::as_const(*this).document());
}

XmlSource::~XmlSource() = default;

XmlSource XmlSource::load(const std::filesystem::path& path, bool keep_formatting) {
    return from_file(path, read_bounded_string(path, kMaxPolicyBytes, "policy XML"),
                     keep_formatting);
}

XmlSource XmlSource::from_file(std::filesystem::path path, std::string text, bool keep_formatting) {
    return XmlSource(std::move(path), std::move(text), keep_formatting, !keep_formatting);
}

const std::string& XmlSource::original() const {
    if (!in_place_) return text_;
    std::call_once(reread_, [this] {
        try {
            reread_text_ = decode_xml(read_bounded_string(path_, kMaxPolicyBytes, "policy XML"),
                                      path_.string())
                               .utf8;
        } catch (const Error&) {
        }
        // A file changed since (or gone) cannot place the error; the parsed text still counts
        // its lines, off only by what the parser rewrote.
        if (reread_text_.size() != text_.size()) reread_text_ = text_;
    });
    return reread_text_;
}

TextPosition XmlSource::position(std::size_t offset) const {
    const std::string& text = original();
    offset = std::min(offset, text.size());
    TextPosition p;
    for (std::size_t i = 0; i < offset; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++p.line;
            p.column = 1;
        } else if ((c & 0xC0) != 0x80) {  // count characters, not UTF-8 continuation bytes
            ++p.column;
        }
    }
    return p;
}

std::size_t XmlSource::attribute_offset(const Located& node, std::string_view attribute) const {
    const auto start = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, node.offset));
    if (attribute.empty() || !node.has_attribute) return start;
    // The offset points at the element name; the attribute is in the start tag, before '>'.
    const std::string& text = original();
    const std::size_t end = std::min(text.find('>', start), text.size());
    for (std::size_t at = text.find(attribute, start); at < end;
         at = text.find(attribute, at + 1)) {
        const bool starts_word = at > 0 && std::isspace(static_cast<unsigned char>(text[at - 1]));
        std::size_t after = at + attribute.size();
        while (after < end && std::isspace(static_cast<unsigned char>(text[after]))) ++after;
        if (starts_word && after < end && text[after] == '=') return at;
    }
    return start;
}

std::string XmlSource::where(const Located& node, std::string_view attribute) const {
    // Nodes added by an edit have no position in the text; name the file alone.
    if (node.offset < 0) return path_.string();
    const auto p = position(attribute_offset(node, attribute));
    return path_.string() + "(" + std::to_string(p.line) + "," + std::to_string(p.column) + ")";
}

void XmlSource::fail(const Located& node, std::string_view attribute,
                     std::string_view problem) const {
    std::string what(node.element);
    if (!attribute.empty()) {
        what += " ";
        what += attribute;
        if (node.has_attribute) what += "=" + quote(node.attribute_value);
    }
    throw Error(ExitCode::input,
                where(node, attribute) + ": " + what + ": " + std::string(problem));
}

template <class Node>
XmlSource::Located XmlSource::locate(const Node& node, std::string_view attribute) {
    Located found{node.offset_debug(), node.name(), false, {}};
    if (attribute.empty()) return found;
    // pugixml looks attributes up by C string.
    const auto a = [&] {
        if constexpr (std::is_same_v<Node, XmlNode>)
            return node.attribute(attribute);
        else
            return node.attribute(std::string(attribute).c_str());
    }();
    if (a) {
        found.has_attribute = true;
        found.attribute_value = a.value();
    }
    return found;
}

std::string XmlSource::where(const XmlNode& node, std::string_view attribute) const {
    return where(locate(node, attribute), attribute);
}
std::string XmlSource::where(const pugi::xml_node& node, std::string_view attribute) const {
    return where(locate(node, attribute), attribute);
}
void XmlSource::fail(const XmlNode& node, std::string_view attribute,
                     std::string_view problem) const {
    fail(locate(node, attribute), attribute, problem);
}
void XmlSource::fail(const pugi::xml_node& node, std::string_view attribute,
                     std::string_view problem) const {
    fail(locate(node, attribute), attribute, problem);
}

}  // namespace cipolicy::policy
