#pragma once
// The VERSIONINFO resource (RT_VERSION) of a PE image (internal to pe/).

#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "pe/layout.hpp"
#include "pe/pe_file.hpp"

namespace cipolicy::pe {

// The first RT_VERSION resource's fixed version and the strings of its first translation.
// Damage is tolerated (a file without readable VERSIONINFO simply has none); what was skipped
// is added to `notes`.
VersionInfo read_version_info(ByteView image, const Layout& layout,
                              std::vector<std::string>& notes);

}  // namespace cipolicy::pe
