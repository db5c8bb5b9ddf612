#include "key_vault/vault_config.hpp"

#include <algorithm>
#include <cctype>

#include "core/error.hpp"
#include "core/quote.hpp"

namespace cipolicy::key_vault {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() > tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

std::string normalize_vault_url(const std::string& url, const std::string& source) {
    std::string v = url;
    while (!v.empty() && (v.back() == '/' || v.back() == ' ')) v.pop_back();
    const std::string l = lower(v);
    const bool https = l.rfind("https://", 0) == 0 && v.size() > 8;
    if (!https || v.find_first_of("/?#@", 8) != std::string::npos)
        throw Error(ExitCode::usage, source +
                                         ": the vault must be an https URL without a path, such "
                                         "as https://NAME.vault.azure.net (got " +
                                         quote(url) + ")");
    return v;
}

std::string vault_warning(const std::string& vault) {
    std::string host = lower(vault.substr(8));
    host = host.substr(0, host.find(':'));
    for (const char* domain : {".vault.azure.net", ".vault.azure.cn", ".vault.usgovcloudapi.net",
                               ".vault.microsoftazure.de", ".managedhsm.azure.net"})
        if (ends_with(host, domain)) return {};
    return vault +
           ": not an Azure Key Vault host (*.vault.azure.net); the access token is sent to it "
           "anyway";
}

bool is_key_of_vault(const std::string& kid, const std::string& vault) {
    const std::string prefix = lower(vault) + "/keys/";
    if (kid.size() <= prefix.size() || lower(kid.substr(0, prefix.size())) != prefix) return false;
    const std::string rest = kid.substr(prefix.size());
    auto slash = rest.find('/');
    return slash != std::string::npos && slash > 0 && slash + 1 < rest.size() &&
           rest.find_first_of("/?#%", slash + 1) == std::string::npos &&
           rest.find_first_of("?#%") == std::string::npos;
}

void check_object_name(const std::string& name, const std::string& source) {
    bool ok = !name.empty() && name.size() <= 127 &&
              std::all_of(name.begin(), name.end(),
                          [](unsigned char c) { return std::isalnum(c) || c == '-'; });
    if (!ok)
        throw Error(ExitCode::usage, source + ": " + quote(name) +
                                         " is not a Key Vault name (1-127 letters, digits and -)");
}

}  // namespace cipolicy::key_vault
