#include "pkcs11/token_uri.hpp"

#include "core/error.hpp"
#include "core/quote.hpp"
#include "pkcs11/uri_pin.hpp"

namespace cipolicy::pkcs11 {

TokenUri::TokenUri(const std::string& text) : uri_(p11_kit_uri_new()), text_(text) {
    if (uri_carries_pin(text))
        throw Error(ExitCode::usage,
                    "the PKCS#11 URI carries a PIN (pin-value/pin-source), which would be visible "
                    "to every user of the machine; remove it and give the PIN with --pin-env VAR "
                    "or --pin-file FILE (the URI is not repeated here)");
    if (!uri_) throw Error(ExitCode::internal, "p11-kit: out of memory");
    int rc = p11_kit_uri_parse(text.c_str(), P11_KIT_URI_FOR_ANY, uri_.get());
    if (rc != P11_KIT_URI_OK)
        throw Error(ExitCode::usage, "PKCS#11 URI " + quote(text) + ": " + p11_kit_uri_message(rc) +
                                         " (RFC 7512, e.g. pkcs11:token=NAME;object=LABEL)");
    if (p11_kit_uri_any_unrecognized(uri_.get()))
        throw Error(ExitCode::usage, "PKCS#11 URI " + quote(text) +
                                         ": has attributes p11-kit does not know; use token=, "
                                         "serial=, manufacturer=, model=, slot-id=, object=, id=");
}

bool TokenUri::matches(CK_SLOT_ID slot, const CK_SLOT_INFO& slot_info,
                       const CK_TOKEN_INFO& token_info) const {
    CK_SLOT_ID wanted = p11_kit_uri_get_slot_id(uri_.get());
    if (wanted != static_cast<CK_SLOT_ID>(-1) && wanted != slot) return false;
    return p11_kit_uri_match_slot_info(uri_.get(), &slot_info) == 1 &&
           p11_kit_uri_match_token_info(uri_.get(), &token_info) == 1;
}

std::vector<CK_ATTRIBUTE> TokenUri::object_attributes() const {
    std::vector<CK_ATTRIBUTE> out;
    for (CK_ATTRIBUTE_TYPE type : {CKA_LABEL, CKA_ID})
        if (CK_ATTRIBUTE* a = p11_kit_uri_get_attribute(uri_.get(), type)) out.push_back(*a);
    return out;
}

std::string TokenUri::module_path() const {
    const char* path = p11_kit_uri_get_module_path(uri_.get());
    return path ? path : "";
}

}  // namespace cipolicy::pkcs11
