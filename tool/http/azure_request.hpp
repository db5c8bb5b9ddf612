#pragma once
// One call to an Azure REST API with a bearer token (Key Vault, Trusted Signing): the headers
// both services take, so that each client adds only its own.

#include <chrono>
#include <string>

#include "http/client.hpp"

namespace cipolicy::http {

// `method` `url` with `body` (JSON when not empty), the bearer token, `accept` and a fresh
// x-ms-client-request-id; the caller appends any header its service adds.
Request azure_request(const std::string& method, const std::string& url, const std::string& body,
                      std::chrono::milliseconds timeout, const std::string& bearer,
                      const std::string& accept);

}  // namespace cipolicy::http
