#include "cli/az_aliases.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "core/ascii.hpp"

namespace cipolicy::cli {

namespace {

// Az parameter (lower case, without dashes) -> cipolicy option; "" = a positional input.
const std::map<std::string, std::string>& aliases() {
    static const std::map<std::string, std::string> table{
        {"accountname", "--account"},          {"codesigningaccountname", "--account"},
        {"profilename", "--profile"},          {"certificateprofilename", "--profile"},
        {"endpointurl", "--endpoint"},         {"endpoint", "--endpoint"},
        {"metadatafilepath", "--metadata"},    {"destination", "--output"},
        {"timestamperurl", "--timestamp-url"}, {"path", ""},
    };
    return table;
}

}  // namespace

Args map_az_aliases(const Args& args) {
    Args out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        // Az spellings start with a capital letter after one dash; cipolicy's own short options
        // are single letters, so "-o" and "-v" can never be mistaken for them.
        std::size_t dashes = a.rfind("--", 0) == 0 ? 2 : a.rfind("-", 0) == 0 ? 1 : 0;
        if (dashes == 0 || a.size() <= dashes + 1) {
            out.push_back(a);
            continue;
        }
        std::string name = a.substr(dashes), value;
        bool inline_value = false;
        if (auto colon = name.find(':'); colon != std::string::npos && dashes == 1) {
            value = name.substr(colon + 1);  // PowerShell's -Name:value
            name = name.substr(0, colon);
            inline_value = true;
        }
        auto it = aliases().find(ascii_lower(name));
        bool az_spelling = dashes == 1 || std::isupper(static_cast<unsigned char>(name[0]));
        if (it == aliases().end() || !az_spelling || (dashes == 2 && ascii_lower(name) == name)) {
            out.push_back(a);
            continue;
        }
        if (!it->second.empty()) out.push_back(it->second);
        if (inline_value) out.push_back(value);
    }
    return out;
}

}  // namespace cipolicy::cli
