#pragma once
// What pugixml accepts but an XML 1.0 parser refuses, checked after pugixml has parsed the text:
// pugixml silently drops text outside the root element, keeps a second root and a second XML
// declaration, and takes control characters, invalid UTF-8 and duplicate attributes. A policy
// compiled from such a file would not be the policy other tools see in it.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cipolicy::policy {

struct WellFormedError {
    std::size_t offset;  // into the text
    std::string problem;
};

// The first problem found, if any, in `text` (without a byte order mark), which pugixml has
// parsed without error: its syntax of tags and attributes is taken as judged.
std::optional<WellFormedError> find_not_well_formed(std::string_view text);

// The characters alone (the first part of find_not_well_formed): invalid UTF-8, control
// characters and character references to characters XML does not allow.
std::optional<WellFormedError> find_bad_characters(std::string_view text);

}  // namespace cipolicy::policy
