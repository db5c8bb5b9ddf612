#pragma once
// The Microsoft Entra ID token endpoint (client credentials grant) and the parsing of the token
// answers of Entra, IMDS and App Service.

#include <chrono>
#include <optional>
#include <string>

#include "credentials/credential.hpp"
#include "http/client.hpp"

namespace cipolicy::credentials {

// $AZURE_AUTHORITY_HOST (the Azure SDK convention) or https://login.microsoftonline.com/, always
// with a trailing slash.
std::string authority_host();

// {authority}{tenant}/oauth2/v2.0/token
std::string token_endpoint(const std::string& tenant);

// POSTs `form` (already escaped, without the scope and grant type, which are added) to the token
// endpoint of `tenant`, for `target` (its audience, within its deadline and request timeout,
// retried on 408/429/5xx and dropped connections). Throws Error(credential) with Entra's own
// description on failure.
AccessToken request_client_credentials_token(http::Client& client, const std::string& tenant,
                                             const std::string& form, const std::string& who,
                                             const TokenTarget& target = {});

// Parses a token answer: access_token plus expires_in (seconds, number or string) or expires_on
// (epoch seconds). `source` names the endpoint in errors. Never puts the body in a message.
AccessToken parse_token_response(const http::Response& response, const std::string& source);

// A server-given expiry (epoch seconds, or else seconds from now) clamped to a week either side
// of now before any arithmetic: system_clock counts nanoseconds, so 17000010000 s overflows.
std::chrono::system_clock::time_point clamped_expiry(std::optional<long long> epoch_seconds,
                                                     std::optional<long long> seconds_from_now);

// Reads variable `name`; nullopt when unset or empty.
std::optional<std::string> env(const char* name);

}  // namespace cipolicy::credentials
