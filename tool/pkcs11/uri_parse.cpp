#include "pkcs11/uri_parse.hpp"

#include <array>

#include "core/ascii.hpp"
#include "core/error.hpp"
#include "core/quote.hpp"
#include "pkcs11/uri_pin.hpp"

namespace cipolicy::pkcs11 {

namespace {

constexpr const char* kExample = " (RFC 7512, e.g. pkcs11:token=NAME;object=LABEL)";

[[noreturn]] void refuse(std::string_view uri, const std::string& why) {
    throw Error(ExitCode::usage, "PKCS#11 URI " + quote(uri) + ": " + why + kExample);
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// %XX decoded. A literal space or control character is refused rather than skipped (p11-kit
// drops whitespace, so "token=My Token" would silently name "MyToken").
std::string decoded(std::string_view uri, std::string_view name, std::string_view raw) {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const auto c = static_cast<unsigned char>(raw[i]);
        if (c == '%') {
            const int hi = i + 2 < raw.size() ? hex_digit(raw[i + 1]) : -1;
            const int lo = i + 2 < raw.size() ? hex_digit(raw[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                refuse(uri, escaped(name, 40) + "= has a '%' that is not followed by two hex " +
                                "digits (write a percent sign as %25)");
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (c <= 0x20 || c == 0x7f) {
            refuse(uri,
                   escaped(name, 40) + "= has a space or control character; write a space as %20");
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    return out;
}

// The text fields of CK_INFO, CK_SLOT_INFO and CK_TOKEN_INFO, with their sizes in bytes.
struct TextField {
    const char* name;
    std::size_t max;
    std::optional<std::string> UriFields::*member;
};
constexpr std::array<TextField, 8> kTextFields{{
    {"token", 32, &UriFields::token},
    {"manufacturer", 32, &UriFields::manufacturer},
    {"serial", 16, &UriFields::serial},
    {"model", 16, &UriFields::model},
    {"slot-description", 64, &UriFields::slot_description},
    {"slot-manufacturer", 32, &UriFields::slot_manufacturer},
    {"library-manufacturer", 32, &UriFields::library_manufacturer},
    {"library-description", 32, &UriFields::library_description},
}};

bool all_digits(std::string_view s) {
    if (s.empty() || s.size() > 19) return false;  // 19 digits always fit 64 bits
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

std::uint64_t number(std::string_view s) {
    std::uint64_t v = 0;
    for (char c : s) v = v * 10 + static_cast<std::uint64_t>(c - '0');
    return v;
}

template <class T>
void set_once(std::string_view uri, std::string_view name, std::optional<T>& field, T value) {
    if (field) refuse(uri, "names " + escaped(name, 40) + "= twice");
    field = std::move(value);
}

void path_attribute(std::string_view uri, UriFields& f, std::string_view name,
                    std::string_view raw) {
    // slot-id and library-version are digits (RFC 7512's grammar), never percent-encoded.
    if (name == "slot-id") {
        if (!all_digits(raw)) refuse(uri, "slot-id= must be a decimal number");
        return set_once(uri, name, f.slot_id, number(raw));
    }
    if (name == "library-version") {
        const auto dot = raw.find('.');
        const std::string_view major = raw.substr(0, dot);
        const std::string_view minor = dot == std::string_view::npos ? "0" : raw.substr(dot + 1);
        const auto m = all_digits(major) && major.size() <= 3 ? number(major) : 256;
        const auto n = all_digits(minor) && minor.size() <= 3 ? number(minor) : 256;
        if (m > 255 || n > 255)
            refuse(uri, "library-version= must be MAJOR or MAJOR.MINOR (numbers up to 255)");
        return set_once(uri, name, f.library_version,
                        std::pair{static_cast<unsigned>(m), static_cast<unsigned>(n)});
    }
    const std::string value = decoded(uri, name, raw);
    for (const TextField& t : kTextFields) {
        if (name != t.name) continue;
        if (value.size() > t.max)
            refuse(uri, escaped(name, 40) + "= is " + std::to_string(value.size()) +
                            " bytes; PKCS#11 holds at most " + std::to_string(t.max));
        return set_once(uri, name, f.*t.member, value);
    }
    if (name == "object") return set_once(uri, name, f.object, value);
    if (name == "id") return set_once(uri, name, f.id, value);
    if (name == "type") {
        if (value != "private" && value != "public" && value != "cert" && value != "secret-key" &&
            value != "data")
            refuse(uri, "type= must be private, public, cert, secret-key or data");
        return set_once(uri, name, f.type, value);
    }
    refuse(uri, "has an attribute cipolicy does not know (" + quote(name, 40) +
                    "); use token=, serial=, manufacturer=, model=, slot-id=, object=, id=");
}

void query_attribute(std::string_view uri, UriFields& f, std::string_view name,
                     std::string_view raw) {
    if (name.find('%') != std::string_view::npos)
        refuse(uri, "has a query attribute name with '%' (names are plain text: module-path=)");
    const std::string value = decoded(uri, name, raw);
    if ((name == "module-path" || name == "module-name") && value.find('\0') != std::string::npos)
        refuse(uri, escaped(name, 40) + "= holds a NUL byte (%00), which would cut the name short");
    if (name == "module-path") return set_once(uri, name, f.module_path, value);
    if (name == "module-name") return set_once(uri, name, f.module_name, value);
    // Other query attributes say how to reach the token, not which one it is; like p11-kit,
    // they are ignored (vendors add their own). PINs were refused before this point.
}

}  // namespace

UriFields parse_uri(std::string_view text) {
    // First, before the URI is ever repeated in a message.
    if (uri_carries_pin(text))
        throw Error(ExitCode::usage,
                    "the PKCS#11 URI carries a PIN (pin-value/pin-source), which would be visible "
                    "to every user of the machine; remove it and give the PIN with --pin-env VAR "
                    "or --pin-file FILE (the URI is not repeated here)");
    if (text.size() > kUriMax)
        refuse(text, "is " + std::to_string(text.size()) + " bytes; at most " +
                         std::to_string(kUriMax) + " are read");
    constexpr std::string_view scheme = "pkcs11:";
    // Schemes compare without case (RFC 3986 section 3.1): "PKCS11:" is the same URI.
    const bool scheme_ok = ascii_lower(text.substr(0, scheme.size())) == scheme;
    if (!scheme_ok) refuse(text, "does not start with pkcs11:");

    UriFields f;
    const std::string_view rest = text.substr(scheme.size());
    const std::size_t question = rest.find('?');
    const std::string_view path = rest.substr(0, question);
    const std::string_view query =
        question == std::string_view::npos ? std::string_view() : rest.substr(question + 1);
    // Path attributes are separated by ';', query attributes by '&'. An empty path or query is
    // allowed ("pkcs11:" names every token), and so is one separator at the end ("token=a;", as
    // some tools print); an empty attribute elsewhere is not.
    auto each = [&](std::string_view part, char separator, auto&& take) {
        if (part.empty()) return;
        std::size_t start = 0;
        for (std::size_t count = 0; count <= kUriMax; ++count) {
            std::size_t end = part.find(separator, start);
            if (end == std::string_view::npos) end = part.size();
            const std::string_view attribute = part.substr(start, end - start);
            if (attribute.empty() && end == part.size() && start > 0) return;
            const std::size_t equals = attribute.find('=');
            if (equals == std::string_view::npos || equals == 0)
                refuse(text, "has " + quote(attribute, 40) + " where NAME=VALUE belongs");
            const std::string_view name = attribute.substr(0, equals);
            take(name, attribute.substr(equals + 1));
            if (end == part.size()) return;
            start = end + 1;
        }
    };
    each(path, ';', [&](std::string_view n, std::string_view v) { path_attribute(text, f, n, v); });
    each(query, '&',
         [&](std::string_view n, std::string_view v) { query_attribute(text, f, n, v); });
    return f;
}

}  // namespace cipolicy::pkcs11
