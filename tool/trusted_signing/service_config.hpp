#pragma once
// Where and how to reach one certificate profile of the Trusted Signing service.

#include <chrono>
#include <string>
#include <vector>

namespace cipolicy::trusted_signing {

inline constexpr const char* kDefaultApiVersion = "2022-06-15-preview";

struct ServiceConfig {
    std::string endpoint;  // normalized: no trailing slash
    std::string account;
    std::string profile;
    std::string api_version = kDefaultApiVersion;
    std::string correlation_id;                  // one per run; sent as x-correlation-id
    std::chrono::milliseconds deadline{300000};  // per signed file, retries and polls included
    std::chrono::milliseconds request_timeout{60000};  // per HTTP request
};

// The API versions this client speaks are checked where the setting is read
// (config/setting_table.cpp, trusted-signing.api-version).
// Whether `api_version` uses `:sign` + Operation-Location (2023-06-15-preview and later).
bool uses_operation_location(const std::string& api_version);

// Strips trailing slashes and checks the scheme; throws Error(usage) naming `source` when the URL
// is not https (http is refused: the bearer token would travel in clear).
std::string normalize_endpoint(const std::string& url, const std::string& source);

// A warning when the host is not *.codesigning.azure.net or *.artifactsigning.azure.net, or
// empty when it is.
std::string endpoint_warning(const std::string& endpoint);

// {endpoint}/codesigningaccounts/{account}/certificateprofiles/{profile}, names escaped.
std::string profile_base_url(const ServiceConfig& config);

}  // namespace cipolicy::trusted_signing
