#pragma once
// The parts of a URL the token rules look at: a bearer token or a secret goes only to the origin
// (scheme, host, port) it was meant for, and only over https.

#include <optional>
#include <string>
#include <string_view>

namespace cipolicy::http {

struct Origin {
    std::string scheme;  // lower case: "https"
    std::string host;    // lower case, without [] around an IPv6 address
    int port = 0;        // the scheme's default when the URL gives none
    bool operator==(const Origin&) const = default;
};

// The origin of an absolute http(s) URL; nullopt for anything else (another scheme, no host,
// a bad port).
std::optional<Origin> origin_of(std::string_view url);

// Whether `url` is an https URL of the same origin as `base` (itself https): where a token issued
// for `base` may go.
bool same_https_origin(std::string_view url, std::string_view base);

// localhost, 127.0.0.0/8 or ::1.
bool is_loopback(const Origin& origin);

}  // namespace cipolicy::http
