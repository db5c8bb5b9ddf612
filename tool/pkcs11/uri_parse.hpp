#pragma once
// RFC 7512 PKCS#11 URIs, parsed: which token (token=, serial=, manufacturer=, model=, slot-*,
// library-*) and which object (object=, id=, type=) a URI names, and the module-path= of its
// query. Separate from the Cryptoki calls so that the unit tests and the fuzz target reach it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace cipolicy::pkcs11 {

// Longer than any real URI (every field at its PKCS#11 maximum, fully percent-encoded, is under
// 1.5 KB) and short enough that a hostile value costs nothing.
inline constexpr std::size_t kUriMax = 4096;

// The decoded attributes; nullopt where the URI does not have one.
struct UriFields {
    std::optional<std::string> token, manufacturer, serial, model;         // CK_TOKEN_INFO
    std::optional<std::string> slot_description, slot_manufacturer;        // CK_SLOT_INFO
    std::optional<std::uint64_t> slot_id;                                  // decimal
    std::optional<std::string> library_manufacturer, library_description;  // CK_INFO
    std::optional<std::pair<unsigned, unsigned>> library_version;          // "M" or "M.m"
    std::optional<std::string> object, id, type;          // CKA_LABEL, CKA_ID (bytes), object class
    std::optional<std::string> module_name, module_path;  // query
};

// Throws Error(usage) naming the URI (never repeating one that carries a PIN) for text longer
// than kUriMax, without the pkcs11: scheme, with a PIN (pin-value, pin-source), a bad %XX, a
// literal space or control character (RFC 7512 wants %20), an attribute twice, an unknown or
// vendor (x-) path attribute (unknown query attributes are ignored, as p11-kit does), a value
// longer than its PKCS#11 field, or a bad slot-id,
// library-version or type.
UriFields parse_uri(std::string_view text);

}  // namespace cipolicy::pkcs11
