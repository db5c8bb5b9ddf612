// PKCS#11 URIs (--pkcs11-uri, pkcs11.uri in cipolicy.yaml): RFC 7512 parsing. Besides the
// usual checks, a URI that carries a PIN is never repeated in the message, and every decoded
// text field fits the PKCS#11 field it is compared with.
#include <cstdlib>

#include "fuzz_support.hpp"
#include "pkcs11/uri_parse.hpp"
#include "pkcs11/uri_pin.hpp"

using namespace cipolicy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = fuzz::as_text(data, size);
    try {
        const pkcs11::UriFields f = pkcs11::parse_uri(text);
        const bool fits = f.token.value_or("").size() <= 32 && f.serial.value_or("").size() <= 16 &&
                          f.model.value_or("").size() <= 16 &&
                          f.slot_description.value_or("").size() <= 64;
        if (!fits || pkcs11::uri_carries_pin(text)) std::abort();
    } catch (const Error& e) {
        fuzz::check_message(e.what());
        const std::string message = e.what();
        if (pkcs11::uri_carries_pin(text) && text.size() >= 12 &&
            message.find(text) != std::string::npos)
            std::abort();  // the PIN-carrying URI was repeated
    }
    return 0;
}
