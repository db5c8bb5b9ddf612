#include "http/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace cipolicy::http {

namespace {
std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}
}  // namespace

std::optional<Origin> origin_of(std::string_view url) {
    const auto colon = url.find("://");
    if (colon == std::string_view::npos) return std::nullopt;
    Origin o;
    o.scheme = lower(url.substr(0, colon));
    if (o.scheme != "https" && o.scheme != "http") return std::nullopt;
    std::string_view authority = url.substr(colon + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    // user:password@ is not part of the origin (and is never sent as a host).
    if (auto at = authority.rfind('@'); at != std::string_view::npos)
        authority = authority.substr(at + 1);
    std::string_view host = authority, port;
    if (!authority.empty() && authority[0] == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = authority.substr(1, close - 1);
        std::string_view rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest[0] != ':') return std::nullopt;
            port = rest.substr(1);
        }
    } else if (auto c = authority.find(':'); c != std::string_view::npos) {
        host = authority.substr(0, c);
        port = authority.substr(c + 1);
    }
    if (host.empty()) return std::nullopt;
    o.host = lower(host);
    // "example.com." and "example.com" are one host.
    if (o.host.size() > 1 && o.host.back() == '.') o.host.pop_back();
    o.port = o.scheme == "https" ? 443 : 80;
    if (!port.empty()) {
        int value = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || end != port.data() + port.size() || value <= 0 || value > 65535)
            return std::nullopt;
        o.port = value;
    }
    return o;
}

bool same_https_origin(std::string_view url, std::string_view base) {
    const auto a = origin_of(url), b = origin_of(base);
    return a && b && a->scheme == "https" && *a == *b;
}

bool is_loopback(const Origin& origin) {
    const std::string& h = origin.host;
    return h == "localhost" || h == "::1" || h.rfind("127.", 0) == 0;
}

}  // namespace cipolicy::http
