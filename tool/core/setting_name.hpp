#pragma once
// How a message names something the user can set. Lower layers name a setting by its key
// ("local.cert", see config/setting_table.hpp) or a command's option by "command.option"
// ("sign.allow-unsigned-option"); only the command line knows that users type these as flags, so
// it installs a namer at start-up and messages read "--cert" there, the key everywhere else.

#include <string>
#include <string_view>

namespace cipolicy {

using SettingNamer = std::string (*)(std::string_view key);

// The name users give `key` by: the installed namer's answer, else `key` itself.
std::string setting_name(std::string_view key);

// Installed once, before any thread starts (a plain pointer: read without locking afterwards).
void set_setting_namer(SettingNamer namer);

}  // namespace cipolicy
