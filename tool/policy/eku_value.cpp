#include "policy/eku_value.hpp"

#include <memory>
#include <string>

#include <openssl/asn1.h>
#include <openssl/objects.h>

#include "core/error.hpp"

namespace cipolicy::policy {

Bytes oid_to_eku_value(std::string_view dotted) {
    const std::string text(dotted);
    const bool numeric =
        !text.empty() && text.find_first_not_of("0123456789.") == std::string::npos;
    // no_name = 1: only dotted numbers, never a short name such as "codeSigning".
    std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> obj(
        numeric ? OBJ_txt2obj(text.c_str(), 1) : nullptr, ASN1_OBJECT_free);
    if (!obj) throw Error(ExitCode::usage, "'" + text + "' is not an OID (e.g. 1.3.6.1.5.5.7.3.3)");
    const int length = i2d_ASN1_OBJECT(obj.get(), nullptr);
    if (length < 3) throw Error(ExitCode::usage, "'" + text + "' is not an OID");
    Bytes der(static_cast<std::size_t>(length));
    unsigned char* out = der.data();
    i2d_ASN1_OBJECT(obj.get(), &out);
    // The EKU form has a one-byte length: DER's long form (an OID of 128 bytes or more) has no
    // place in it.
    if (der[1] & 0x80) throw Error(ExitCode::usage, "'" + text + "' is too long for a policy EKU");
    der[0] = 0x01;
    return der;
}

}  // namespace cipolicy::policy
