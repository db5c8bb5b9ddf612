#pragma once
// "Did you mean": the known name closest to what a user typed (case, spaces and a few typing
// slips forgiven), so that `Enabled:Audit mode` or `--outptu` get the right spelling back.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cipolicy {

// The candidate closest to `given`, when it is close enough to be what was meant: equal but for
// case, spaces, '-' and '_', or within a small edit distance (a swapped pair, or a quarter of a
// long name).
std::optional<std::string> closest_match(std::string_view given,
                                         const std::vector<std::string>& candidates);

// " (did you mean 'X'?)" for closest_match, else "".
std::string did_you_mean(std::string_view given, const std::vector<std::string>& candidates);

}  // namespace cipolicy
