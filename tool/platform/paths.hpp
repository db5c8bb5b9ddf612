#pragma once
// Path rules that differ between platforms and that std::filesystem gets wrong somewhere.

#include <filesystem>

namespace cipolicy::platform {

// `path` resolved against `folder` unless it is absolute. On Windows a UNC path
// (\\server\share\...) is absolute although libstdc++ sees no root name in it, and a path with a
// root but no drive ("\dir\file") keeps `folder`'s drive.
std::filesystem::path resolve_against(const std::filesystem::path& folder,
                                      const std::filesystem::path& path);

}  // namespace cipolicy::platform
