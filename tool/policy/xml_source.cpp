#include "policy/xml_source.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <cctype>

#include "core/bounded_read.hpp"
#include "core/error.hpp"
#include "core/quote.hpp"
#include "policy/xml_wellformed.hpp"

namespace cipolicy::policy {

XmlSource::XmlSource(std::filesystem::path path, std::string text, bool keep_formatting)
    : path_(std::move(path)), doc_(std::make_unique<pugi::xml_document>()) {
    DecodedXml decoded = decode_xml(std::move(text), path_.string());
    text_ = std::move(decoded.utf8);
    encoding_ = decoded.encoding;
    unsigned options = pugi::parse_default | pugi::parse_comments;
    // Line ends too (no parse_eol): an edited CRLF document stays CRLF.
    if (keep_formatting)
        options = (options | pugi::parse_ws_pcdata | pugi::parse_declaration | pugi::parse_doctype |
                   pugi::parse_pi) &
                  ~pugi::parse_eol;
    // Parsed as UTF-8 from our own copy, so pugixml's offsets index text_ directly.
    const auto result = doc_->load_buffer(text_.data(), text_.size(), options, pugi::encoding_utf8);
    std::optional<WellFormedError> bad;
    if (!result)
        bad = WellFormedError{static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, result.offset)),
                              result.description()};
    else
        bad = find_not_well_formed(text_);
    if (bad) {
        const auto p = position(bad->offset);
        throw Error(ExitCode::input, path_.string() + "(" + std::to_string(p.line) + "," +
                                         std::to_string(p.column) +
                                         "): not well-formed XML: " + bad->problem);
    }
}

XmlSource::~XmlSource() = default;

XmlSource XmlSource::load(const std::filesystem::path& path, bool keep_formatting) {
    return XmlSource(path, read_bounded_string(path, kMaxPolicyBytes, "policy XML"),
                     keep_formatting);
}

TextPosition XmlSource::position(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    TextPosition p;
    for (std::size_t i = 0; i < offset; ++i) {
        const auto c = static_cast<unsigned char>(text_[i]);
        if (c == '\n') {
            ++p.line;
            p.column = 1;
        } else if ((c & 0xC0) != 0x80) {  // count characters, not UTF-8 continuation bytes
            ++p.column;
        }
    }
    return p;
}

std::size_t XmlSource::attribute_offset(const pugi::xml_node& node,
                                        std::string_view attribute) const {
    const auto start = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, node.offset_debug()));
    if (attribute.empty() || !node.attribute(std::string(attribute).c_str())) return start;
    // offset_debug points at the element name; the attribute is in the start tag, before '>'.
    const std::size_t end = std::min(text_.find('>', start), text_.size());
    for (std::size_t at = text_.find(attribute, start); at < end;
         at = text_.find(attribute, at + 1)) {
        const bool starts_word = at > 0 && std::isspace(static_cast<unsigned char>(text_[at - 1]));
        std::size_t after = at + attribute.size();
        while (after < end && std::isspace(static_cast<unsigned char>(text_[after]))) ++after;
        if (starts_word && after < end && text_[after] == '=') return at;
    }
    return start;
}

std::string XmlSource::where(const pugi::xml_node& node, std::string_view attribute) const {
    // Nodes added by an edit have no position in the text; name the file alone.
    if (node.offset_debug() < 0) return path_.string();
    const auto p = position(attribute_offset(node, attribute));
    return path_.string() + "(" + std::to_string(p.line) + "," + std::to_string(p.column) + ")";
}

void XmlSource::fail(const pugi::xml_node& node, std::string_view attribute,
                     std::string_view problem) const {
    std::string what = node.name();
    if (!attribute.empty()) {
        what += " ";
        what += attribute;
        if (const auto a = node.attribute(std::string(attribute).c_str()))
            what += "=" + quote(a.value());
    }
    throw Error(ExitCode::input,
                where(node, attribute) + ": " + what + ": " + std::string(problem));
}

}  // namespace cipolicy::policy
