#include "trusted_signing/service_config.hpp"

#include <algorithm>
#include <cctype>

#include "core/error.hpp"
#include "http/encoding.hpp"

namespace cipolicy::trusted_signing {

bool uses_operation_location(const std::string& api_version) {
    return api_version != "2022-06-15-preview";
}

std::string normalize_endpoint(const std::string& url, const std::string& source) {
    std::string e = url;
    while (!e.empty() && (e.back() == '/' || e.back() == ' ')) e.pop_back();
    std::string lower = e;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower.rfind("https://", 0) != 0 || e.size() <= 8)
        throw Error(ExitCode::usage, source +
                                         ": the endpoint must be an https URL such as "
                                         "https://eus.codesigning.azure.net (got '" +
                                         url + "')");
    return e;
}

std::string endpoint_warning(const std::string& endpoint) {
    std::string host = endpoint.substr(8);
    host = host.substr(0, host.find_first_of("/:?"));
    std::transform(host.begin(), host.end(), host.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (std::string domain : {".codesigning.azure.net", ".artifactsigning.azure.net"})
        if (host.size() > domain.size() &&
            host.compare(host.size() - domain.size(), domain.size(), domain) == 0)
            return {};
    return endpoint +
           ": not a Trusted Signing endpoint (*.codesigning.azure.net or "
           "*.artifactsigning.azure.net); the token is sent to it anyway";
}

std::string profile_base_url(const ServiceConfig& config) {
    return config.endpoint + "/codesigningaccounts/" + http::url_escape(config.account) +
           "/certificateprofiles/" + http::url_escape(config.profile);
}

}  // namespace cipolicy::trusted_signing
