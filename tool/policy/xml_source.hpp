#pragma once
// A policy XML document as read from disk, kept together with its text so that every error can
// name the file, line and column of the element or attribute at fault (pugixml reports byte
// offsets only). The pugixml document is held by pointer so that this header, which the commands
// include, does not bring in <pugixml.hpp>; the files of this folder that walk the tree include it.

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "policy/xml_encoding.hpp"
#include "policy/xml_tree.hpp"

namespace pugi {
class xml_document;
class xml_node;
}  // namespace pugi

namespace cipolicy::policy {

inline constexpr std::string_view kSiPolicyNamespace = "urn:schemas-microsoft-com:sipolicy";

struct TextPosition {
    std::size_t line = 1;    // 1-based
    std::size_t column = 1;  // 1-based, in characters (UTF-8 sequences count once)
};

class XmlSource {
  public:
    // Parses `text` (UTF-8 with or without BOM, or UTF-16 with one; see xml_encoding.hpp).
    // `keep_formatting` keeps whitespace-only text and the declaration so that an edited document
    // can be saved looking as it did. Throws Error(input) "path(line,col): not well-formed XML:
    // ..." on a syntax error.
    XmlSource(std::filesystem::path path, std::string text, bool keep_formatting = false);
    XmlSource(const XmlSource&) = delete;
    XmlSource& operator=(const XmlSource&) = delete;
    ~XmlSource();

    // Reads the file; Error(input) naming it when missing or not well-formed.
    static XmlSource load(const std::filesystem::path& path, bool keep_formatting = false);
    // As the constructor, for `text` just read from the file `path`. Unless `keep_formatting`, a
    // document that only pugixml reads is parsed in place (a block list is half a megabyte, and
    // a second copy of it costs a compile more than the parse); an error then reads the file
    // again for its line and column.
    static XmlSource from_file(std::filesystem::path path, std::string text,
                               bool keep_formatting = false);

    // The element tree the reader walks (xml_tree.hpp), with the reader's view of the text.
    const XmlTree& tree() const { return tree_; }
    // pugixml's tree, for edits and merges: made on first use unless `keep_formatting`.
    const pugi::xml_document& document() const;
    pugi::xml_document& document();
    const std::filesystem::path& path() const { return path_; }
    // The encoding the file had, which save_xml writes again.
    XmlEncoding encoding() const { return encoding_; }
    // The text as read, as UTF-8 without the BOM; offsets from pugixml index it. Only for a
    // source that keeps its formatting (one parsed in place holds the parser's rewrite of it).
    const std::string& text() const { return text_; }

    TextPosition position(std::size_t offset) const;
    // "path(line,col)" of an element, or of one of its attributes when `attribute` is given (the
    // attribute's name; the element's position when it is absent).
    std::string where(const XmlNode& node, std::string_view attribute = {}) const;
    std::string where(const pugi::xml_node& node, std::string_view attribute = {}) const;

    // Throws Error(input) "path(line,col): <what>: <problem>", where <what> names the element and
    // the attribute, e.g. `FileRuleRef RuleID="ID_DENY_X"`.
    [[noreturn]] void fail(const XmlNode& node, std::string_view attribute,
                           std::string_view problem) const;
    [[noreturn]] void fail(const XmlNode& node, std::string_view problem) const {
        fail(node, {}, problem);
    }
    [[noreturn]] void fail(const pugi::xml_node& node, std::string_view attribute,
                           std::string_view problem) const;
    [[noreturn]] void fail(const pugi::xml_node& node, std::string_view problem) const {
        fail(node, {}, problem);
    }

  private:
    XmlSource(std::filesystem::path path, std::string text, bool keep_formatting, bool in_place);
    // An element (its name's offset, -1 for one an edit added) and, when present, one attribute.
    struct Located {
        std::ptrdiff_t offset;
        std::string_view element;
        bool has_attribute;
        std::string_view attribute_value;
    };
    template <class Node>
    static Located locate(const Node& node, std::string_view attribute);
    std::string where(const Located& node, std::string_view attribute) const;
    [[noreturn]] void fail(const Located& node, std::string_view attribute,
                           std::string_view problem) const;
    std::size_t attribute_offset(const Located& node, std::string_view attribute) const;
    // The text as read: text_, or for a source parsed in place the file read again.
    const std::string& original() const;
    // pugixml's parse with `options`, and the well-formedness scan unless the text is `judged`
    // well-formed already: throws the first error, placed.
    void parse_checked(pugi::xml_document& doc, unsigned options, bool in_place, bool judged);

    std::filesystem::path path_;
    std::string text_;  // UTF-8 without the BOM, as pugixml saw it
    XmlEncoding encoding_ = XmlEncoding::utf8;
    bool in_place_ = false;
    mutable std::once_flag reread_;
    mutable std::string reread_text_;
    XmlTree tree_;
    // pugixml's tree of the document: made at once when formatting is kept or when only pugixml
    // reads the document (then it holds what tree_ views); otherwise on first use.
    mutable std::once_flag parsed_;
    mutable std::unique_ptr<pugi::xml_document> doc_;
    std::unique_ptr<pugi::xml_document> read_doc_;  // with formatting kept: the reader's parse
};

// The document as text again: the BOM and declaration it had, its own whitespace (defined with
// the edits, in xml_edit.cpp).
std::string save_xml(const XmlSource& source);

}  // namespace cipolicy::policy
