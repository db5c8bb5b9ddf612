#pragma once
// Small in-place edits of a policy XML document that keep the rest of it as it was: comments,
// element order, indentation and line endings (load it with XmlSource(..., keep_formatting=true)).
// New elements copy the indentation of their siblings.

#include <string>
#include <string_view>

#include <pugixml.hpp>

#include "policy/xml_source.hpp"

namespace cipolicy::policy {

// A new last element child of `parent`, indented like its siblings.
pugi::xml_node append_indented(pugi::xml_node parent, const char* name);

// A new element right after `node`, on its own line with the same indentation.
pugi::xml_node insert_after_indented(pugi::xml_node node, const char* name);

// Removes `node` and the whitespace that indented it.
void remove_indented(pugi::xml_node node);

// The child element `name` of `parent`, appended (indented) when missing.
pugi::xml_node ensure_child(pugi::xml_node parent, const char* name);

// `prefix` + the smallest number n >= 1 such that no attribute named `attribute` anywhere in the
// document has that value ("ID_SIGNER_S_" -> "ID_SIGNER_S_3").
std::string unused_id(const pugi::xml_document& doc, const char* attribute,
                      std::string_view prefix);

}  // namespace cipolicy::policy
