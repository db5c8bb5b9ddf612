#include "platform/paths.hpp"

namespace cipolicy::platform {
namespace fs = std::filesystem;

namespace {
bool is_unc(const fs::path& path) {
#ifdef _WIN32
    const auto& s = path.native();
    auto sep = [](wchar_t c) { return c == L'\\' || c == L'/'; };
    return s.size() > 2 && sep(s[0]) && sep(s[1]) && !sep(s[2]);
#else
    (void)path;
    return false;
#endif
}
}  // namespace

fs::path resolve_against(const fs::path& folder, const fs::path& path) {
    if (path.is_absolute() || is_unc(path)) return path;
    return folder / path;
}

}  // namespace cipolicy::platform
