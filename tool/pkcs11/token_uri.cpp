#include "pkcs11/token_uri.hpp"

#include <limits>

#include "pkcs11/module.hpp"

namespace cipolicy::pkcs11 {

namespace {

// A URI value against a space-padded Cryptoki text field: equal once both lose trailing spaces.
template <std::size_t N>
bool same_text(const std::optional<std::string>& wanted, const unsigned char (&field)[N]) {
    if (!wanted) return true;
    std::string w = *wanted;
    while (!w.empty() && w.back() == ' ') w.pop_back();
    return padded_text(field, N) == w;
}

}  // namespace

TokenUri::TokenUri(const std::string& text) : text_(text), fields_(parse_uri(text)) {}

bool TokenUri::matches(const CK_INFO& module_info, CK_SLOT_ID slot, const CK_SLOT_INFO& slot_info,
                       const CK_TOKEN_INFO& token_info) const {
    const UriFields& f = fields_;
    if (f.slot_id && (*f.slot_id > std::numeric_limits<CK_SLOT_ID>::max() ||
                      static_cast<CK_SLOT_ID>(*f.slot_id) != slot))
        return false;
    if (f.library_version && (module_info.libraryVersion.major != f.library_version->first ||
                              module_info.libraryVersion.minor != f.library_version->second))
        return false;
    return same_text(f.library_manufacturer, module_info.manufacturerID) &&
           same_text(f.library_description, module_info.libraryDescription) &&
           same_text(f.slot_description, slot_info.slotDescription) &&
           same_text(f.slot_manufacturer, slot_info.manufacturerID) &&
           same_text(f.token, token_info.label) &&
           same_text(f.manufacturer, token_info.manufacturerID) &&
           same_text(f.serial, token_info.serialNumber) && same_text(f.model, token_info.model);
}

std::vector<CK_ATTRIBUTE> TokenUri::object_attributes() const {
    std::vector<CK_ATTRIBUTE> out;
    // PKCS#11 takes non-const pointers for templates it only reads.
    auto add = [&](CK_ATTRIBUTE_TYPE type, const std::optional<std::string>& value) {
        if (value)
            out.push_back(
                {type, const_cast<char*>(value->data()), static_cast<CK_ULONG>(value->size())});
    };
    add(CKA_LABEL, fields_.object);
    add(CKA_ID, fields_.id);
    return out;
}

}  // namespace cipolicy::pkcs11
