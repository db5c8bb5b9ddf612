#include "policy/xml_values.hpp"

#include <pugixml.hpp>

#include <charconv>
#include <cstdio>

#include "core/error.hpp"
#include "core/quote.hpp"

namespace cipolicy::policy {
namespace {

constexpr std::uint64_t kTicksPerSecond = 10'000'000;
// Days from 1601-01-01 to 1970-01-01.
constexpr std::int64_t kEpochDays1601 = 134774;

// Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, unsigned& out) {
    if (pos + n > s.size()) return false;
    out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        out = out * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return true;
}

}  // namespace

std::string_view trim(std::string_view t) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!t.empty() && space(t.front())) t.remove_prefix(1);
    while (!t.empty() && space(t.back())) t.remove_suffix(1);
    return t;
}

std::optional<std::uint64_t> parse_xml_datetime(std::string_view s) {
    s = trim(s);
    unsigned y, mo, d, h, mi, se;
    if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) ||
        s[7] != '-' || !digits(s, 8, 2, d) || s[10] != 'T' || !digits(s, 11, 2, h) ||
        s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return std::nullopt;
    std::size_t pos = 19;
    std::uint64_t fraction = 0;  // in 100 ns ticks; digits past the seventh are dropped
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        std::uint64_t scale = kTicksPerSecond / 10;
        const std::size_t start = pos;
        for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, scale /= 10)
            fraction += static_cast<std::uint64_t>(s[pos] - '0') * scale;
        if (pos == start) return std::nullopt;
    }
    std::int64_t offset_minutes = 0;
    if (pos < s.size() && s[pos] == 'Z') {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        unsigned oh, om;
        if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
            !digits(s, pos + 4, 2, om))
            return std::nullopt;
        offset_minutes = (s[pos] == '+' ? 1 : -1) * static_cast<std::int64_t>(oh * 60 + om);
        pos += 6;
    }
    if (pos != s.size()) return std::nullopt;
    const std::int64_t days = days_from_civil(y, mo, d) + kEpochDays1601;
    const std::int64_t seconds = days * 86400 + h * 3600 + mi * 60 + se - offset_minutes * 60;
    if (days < 0 || seconds < 0) return std::nullopt;
    return static_cast<std::uint64_t>(seconds) * kTicksPerSecond + fraction;
}

std::string format_xml_datetime(std::uint64_t filetime) {
    const std::uint64_t seconds = filetime / kTicksPerSecond;
    const std::uint64_t ticks = filetime % kTicksPerSecond;
    std::int64_t y;
    unsigned m, d;
    civil_from_days(static_cast<std::int64_t>(seconds / 86400) - kEpochDays1601, y, m, d);
    const std::uint64_t sod = seconds % 86400;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u", static_cast<long long>(y), m,
                  d, static_cast<unsigned>(sod / 3600), static_cast<unsigned>(sod / 60 % 60),
                  static_cast<unsigned>(sod % 60));
    std::string out = buf;
    if (ticks) {
        std::snprintf(buf, sizeof buf, ".%07u", static_cast<unsigned>(ticks));
        out += buf;
    }
    return out + "Z";
}

std::string XmlValues::required(const XmlNode& node, const char* attribute) const {
    const auto a = node.attribute(attribute);
    if (!a) src_.fail(node, std::string("missing required attribute ") + attribute);
    return std::string(a.value());
}

PolicyString XmlValues::utf16(const XmlNode& node, std::string_view attribute,
                              std::string_view utf8) const {
    if (trim(utf8).empty()) return std::nullopt;
    try {
        return utf8_to_utf16(utf8);
    } catch (const Error& e) {
        src_.fail(node, attribute, e.what());
    }
}

PolicyString XmlValues::string(const XmlNode& node, const char* attribute) const {
    return string(node, node.attribute(attribute));
}

PolicyString XmlValues::string(const XmlNode& node, const XmlAttribute& a) const {
    if (!a) return std::nullopt;
    return utf16(node, a.name(), a.value());
}

Bytes XmlValues::hex(const XmlNode& node, const char* attribute, bool allow_empty) const {
    const auto a = node.attribute(attribute);
    if (!a) src_.fail(node, std::string("missing required attribute ") + attribute);
    return hex(node, a, allow_empty);
}

Bytes XmlValues::hex(const XmlNode& node, const XmlAttribute& a, bool allow_empty) const {
    const std::string_view text = trim(a.value());  // no copy: hashes are most of a blocklist
    Bytes out;
    if (!from_hex(text, out))
        src_.fail(node, a.name(), "not hex (an even number of digits 0-9, A-F expected)");
    if (out.empty() && !allow_empty) src_.fail(node, a.name(), "must not be empty");
    return out;
}

std::optional<Version> XmlValues::version(const XmlNode& node, const char* attribute) const {
    return version(node, node.attribute(attribute));
}

std::optional<Version> XmlValues::version(const XmlNode& node, const XmlAttribute& a) const {
    if (!a) return std::nullopt;
    auto v = Version::parse(trim(a.value()));
    if (!v) src_.fail(node, a.name(), "not a version (four numbers 0-65535 separated by dots)");
    return v;
}

std::optional<std::uint64_t> XmlValues::number(const XmlNode& node, const char* attribute,
                                               std::uint64_t max) const {
    std::string_view text;
    if (attribute) {
        const auto a = node.attribute(attribute);
        if (!a) return std::nullopt;
        text = trim(a.value());
    } else {
        text = trim(node.child_value());
    }
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > max)
        src_.fail(node, attribute ? attribute : "",
                  "not a number from 0 to " + std::to_string(max));
    return value;
}

namespace {
template <class Node>
Guid guid_of(const XmlSource& src, const Node& node) {
    const std::string_view text = trim(node.child_value());
    auto g = Guid::parse(text);
    if (!g)
        src.fail(node, "'" + escaped(text) +
                           "' is not a GUID ({XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX} expected)");
    return *g;
}
}  // namespace

Guid XmlValues::guid_text(const XmlNode& node) const {
    return guid_of(src_, node);
}

Guid XmlValues::guid_text(const pugi::xml_node& node) const {
    return guid_of(src_, node);
}

Version XmlValues::version_text(const XmlNode& node) const {
    auto v = Version::parse(trim(node.child_value()));
    if (!v)
        src_.fail(node, "'" + escaped(trim(node.child_value())) +
                            "' is not a version (four numbers 0-65535 separated by dots)");
    return *v;
}

std::optional<std::uint64_t> XmlValues::datetime(const XmlNode& node, const char* attribute) const {
    const auto a = node.attribute(attribute);
    if (!a) return std::nullopt;
    auto t = parse_xml_datetime(a.value());
    if (!t) src_.fail(node, attribute, "not a date and time (YYYY-MM-DDThh:mm:ss[Z] expected)");
    return t;
}

}  // namespace cipolicy::policy
