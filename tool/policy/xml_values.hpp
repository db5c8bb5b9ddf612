#pragma once
// The typed values of policy XML (numbers, hex, versions, GUIDs, xs:dateTime), read from an
// element's text or an attribute. Each failure names the file, line, column, element and attribute.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "policy/guid.hpp"
#include "policy/text.hpp"
#include "policy/version.hpp"
#include "policy/xml_source.hpp"

namespace cipolicy::policy {

// FILETIME (100 ns ticks since 1601-01-01 UTC) of an xs:dateTime
// "YYYY-MM-DDThh:mm:ss[.f][Z|±hh:mm]"; without a zone the time is taken as UTC. nullopt when
// malformed.
std::optional<std::uint64_t> parse_xml_datetime(std::string_view text);
// "YYYY-MM-DDThh:mm:ss[.fffffff]Z".
std::string format_xml_datetime(std::uint64_t filetime);

std::string_view trim(std::string_view text);

// Reads the values of one document; `src` supplies the locations for errors.
class XmlValues {
  public:
    explicit XmlValues(const XmlSource& src) : src_(src) {}

    // The attribute's text; fails "missing required attribute" when absent.
    std::string required(const XmlNode& node, const char* attribute) const;
    // Absent, empty or whitespace-only: nullopt (the binary cannot tell them apart).
    PolicyString string(const XmlNode& node, const char* attribute) const;
    // Even-length hex; `allow_empty` for Hash, where empty means none.
    Bytes hex(const XmlNode& node, const char* attribute, bool allow_empty) const;
    std::optional<Version> version(const XmlNode& node, const char* attribute) const;
    // The same, of an attribute of `node` already found (a null one is absent; `hex` needs one):
    // for readers that look at each attribute of an element once.
    PolicyString string(const XmlNode& node, const XmlAttribute& attribute) const;
    Bytes hex(const XmlNode& node, const XmlAttribute& attribute, bool allow_empty) const;
    std::optional<Version> version(const XmlNode& node, const XmlAttribute& attribute) const;
    // Decimal number no larger than `max` (attribute, or the element's text when null).
    std::optional<std::uint64_t> number(const XmlNode& node, const char* attribute,
                                        std::uint64_t max) const;
    // The element's text as a GUID / version (required); the GUID also of an element an edit
    // holds in pugixml's tree.
    Guid guid_text(const XmlNode& node) const;
    Guid guid_text(const pugi::xml_node& node) const;
    Version version_text(const XmlNode& node) const;
    std::optional<std::uint64_t> datetime(const XmlNode& node, const char* attribute) const;
    // `attribute` names the attribute `utf8` came from; empty for an element's text.
    PolicyString utf16(const XmlNode& node, std::string_view attribute,
                       std::string_view utf8) const;

  private:
    const XmlSource& src_;
};

}  // namespace cipolicy::policy
