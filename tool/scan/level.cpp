#include "scan/level.hpp"

#include <array>
#include <utility>

#include "core/error.hpp"

namespace cipolicy::scan {

namespace {

constexpr std::array<std::pair<Level, std::string_view>, 12> kNames{{
    {Level::hash, "Hash"},
    {Level::file_name, "FileName"},
    {Level::file_path, "FilePath"},
    {Level::signed_version, "SignedVersion"},
    {Level::publisher, "Publisher"},
    {Level::file_publisher, "FilePublisher"},
    {Level::leaf_certificate, "LeafCertificate"},
    {Level::pca_certificate, "PcaCertificate"},
    {Level::root_certificate, "RootCertificate"},
    {Level::whql, "WHQL"},
    {Level::whql_publisher, "WHQLPublisher"},
    {Level::whql_file_publisher, "WHQLFilePublisher"},
}};

bool same_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

std::string trimmed(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return std::string(s);
}

}  // namespace

Level parse_level(std::string_view name) {
    for (const auto& [level, text] : kNames) {
        if (!same_ignoring_case(name, text)) continue;
        if (level == Level::root_certificate)
            throw Error(ExitCode::usage,
                        "level RootCertificate is not supported by Windows App Control (Microsoft "
                        "documents it as not supported); use PcaCertificate or Publisher");
        return level;
    }
    std::string known;
    for (const auto& [level, text] : kNames)
        if (level != Level::root_certificate)
            known += (known.empty() ? "" : ", ") + std::string(text);
    throw Error(ExitCode::usage, "unknown rule level '" + std::string(name.substr(0, 40)) +
                                     "'; use one of " + known);
}

std::vector<Level> parse_levels(std::string_view list) {
    std::vector<Level> out;
    std::size_t at = 0;
    while (at <= list.size()) {
        const std::size_t comma = std::min(list.find(',', at), list.size());
        const std::string item = trimmed(list.substr(at, comma - at));
        if (!item.empty()) out.push_back(parse_level(item));
        at = comma + 1;
    }
    return out;
}

std::string_view level_name(Level level) {
    for (const auto& [l, text] : kNames)
        if (l == level) return text;
    return "?";
}

}  // namespace cipolicy::scan
