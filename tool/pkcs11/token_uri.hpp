#pragma once
// An RFC 7512 PKCS#11 URI, parsed by p11-kit: which token (token=, serial=, manufacturer=,
// model=, slot-id=, ...) and which object (object=, id=) it names.

#include <p11-kit/uri.h>

#include <memory>
#include <string>
#include <vector>

namespace cipolicy::pkcs11 {

class TokenUri {
  public:
    // Throws Error(usage) for text that is not a PKCS#11 URI, has attributes p11-kit does not
    // know, or carries a PIN (pin-value, pin-source: PINs come from a variable or a file only;
    // the URI is then never repeated, since it holds the PIN).
    explicit TokenUri(const std::string& text);

    bool matches(CK_SLOT_ID slot, const CK_SLOT_INFO& slot_info,
                 const CK_TOKEN_INFO& token_info) const;
    // The object attributes the URI names (CKA_LABEL, CKA_ID), without CKA_CLASS.
    std::vector<CK_ATTRIBUTE> object_attributes() const;
    bool names_object() const { return !object_attributes().empty(); }
    std::string module_path() const;  // module-path=, or ""
    const std::string& text() const { return text_; }

  private:
    struct Free {
        void operator()(P11KitUri* u) const { p11_kit_uri_free(u); }
    };
    std::unique_ptr<P11KitUri, Free> uri_;
    std::string text_;
};

}  // namespace cipolicy::pkcs11
