#include "core/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace cipolicy {

namespace {

// Lower case, without the separators people vary: "Enabled:Audit Mode" ~ "enabled:auditmode".
std::string folded(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 256))
        if (c != ' ' && c != '-' && c != '_')
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0u : 1u)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

std::optional<std::string> closest_match(std::string_view given,
                                         const std::vector<std::string>& candidates) {
    const std::string want = folded(given);
    if (want.empty()) return std::nullopt;
    // One slip in a short name, two (a swapped pair) or a quarter of a longer one.
    const std::size_t limit = want.size() < 5 ? 1 : std::max<std::size_t>(2, want.size() / 4);
    std::optional<std::string> best;
    std::size_t best_distance = limit + 1;
    for (const auto& c : candidates) {
        const std::string have = folded(c);
        std::size_t d = edit_distance(want, have);
        // "Audit Mode" for "Enabled:Audit Mode": the part after the prefix, spelled right.
        if (const auto colon = have.find(':'); colon != std::string::npos)
            d = std::min(d, edit_distance(want, have.substr(colon + 1)));
        if (d < best_distance) {
            best_distance = d;
            best = c;
        }
    }
    return best;
}

std::string did_you_mean(std::string_view given, const std::vector<std::string>& candidates) {
    auto match = closest_match(given, candidates);
    return match ? " (did you mean '" + *match + "'?)" : "";
}

}  // namespace cipolicy
