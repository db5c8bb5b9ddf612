#include "pkcs11/uri_pin.hpp"

#include <cctype>
#include <string>

namespace cipolicy::pkcs11 {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// The attribute name as a parser sees it: %XX decoded, lower case, spaces around it dropped.
std::string attribute_name(std::string_view raw) {
    std::string name;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        int hi = 0, lo = 0;
        if (raw[i] == '%' && i + 2 < raw.size() && (hi = hex_value(raw[i + 1])) >= 0 &&
            (lo = hex_value(raw[i + 2])) >= 0) {
            name.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else {
            name.push_back(raw[i]);
        }
    }
    std::string folded;
    for (unsigned char c : name)
        if (!std::isspace(c)) folded.push_back(static_cast<char>(std::tolower(c)));
    return folded;
}

}  // namespace

bool uri_carries_pin(std::string_view uri) {
    // "pkcs11:" then path attributes separated by ';', then '?' and query attributes by '&'.
    // Every piece is looked at, whatever the scheme's spelling: a PIN is refused even in text
    // that is not quite a URI.
    std::size_t start = 0;
    while (start <= uri.size()) {
        std::size_t end = uri.find_first_of(";?&", start);
        if (end == std::string_view::npos) end = uri.size();
        std::string_view piece = uri.substr(start, end - start);
        piece = piece.substr(0, piece.find('='));
        if (auto colon = piece.find(':'); colon != std::string_view::npos)
            piece = piece.substr(colon + 1);  // "pkcs11:pin-value" as the first attribute
        const std::string name = attribute_name(piece);
        if (name == "pin-value" || name == "pin-source") return true;
        start = end + 1;
    }
    return false;
}

}  // namespace cipolicy::pkcs11
