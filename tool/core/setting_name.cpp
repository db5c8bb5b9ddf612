#include "core/setting_name.hpp"

namespace cipolicy {

namespace {
SettingNamer g_namer = nullptr;
}

std::string setting_name(std::string_view key) {
    if (g_namer) return g_namer(key);
    return std::string(key);
}

void set_setting_namer(SettingNamer namer) {
    g_namer = namer;
}

}  // namespace cipolicy
