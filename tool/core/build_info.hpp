#pragma once
// What this executable is: the project version (declared once, by project() in CMakeLists.txt) and
// the commit it was built from, as `cipolicy --version` prints them.

#include <string_view>

namespace cipolicy::core {

std::string_view version();
// The full commit hash, or "unknown" for a build from sources outside git (CIPOLICY_COMMIT sets
// it).
std::string_view commit();

}  // namespace cipolicy::core
