#pragma once
// An RFC 7512 PKCS#11 URI (pkcs11/uri_parse.hpp) matched against a module's tokens: which token
// (token=, serial=, manufacturer=, model=, slot-*, library-*) and which object (object=, id=).

#include <string>
#include <vector>

#include "pkcs11/cryptoki.hpp"
#include "pkcs11/uri_parse.hpp"

namespace cipolicy::pkcs11 {

class TokenUri {
  public:
    // Throws Error(usage) as parse_uri does (a PIN in the URI first, without repeating it).
    explicit TokenUri(const std::string& text);

    // Whether the module (C_GetInfo), slot and token are the ones the URI names; attributes the
    // URI leaves out match anything, and text fields compare as PKCS#11 pads them (spaces).
    bool matches(const CK_INFO& module_info, CK_SLOT_ID slot, const CK_SLOT_INFO& slot_info,
                 const CK_TOKEN_INFO& token_info) const;
    // The object attributes the URI names (CKA_LABEL, CKA_ID), without CKA_CLASS; they point
    // into this object.
    std::vector<CK_ATTRIBUTE> object_attributes() const;
    bool names_object() const { return fields_.object || fields_.id; }
    std::string module_path() const { return fields_.module_path.value_or(""); }
    const std::string& text() const { return text_; }

  private:
    std::string text_;
    UriFields fields_;
};

}  // namespace cipolicy::pkcs11
