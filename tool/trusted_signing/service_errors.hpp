#pragma once
// Turning the service's failure answers into one actionable line (spec table 1.3).

#include <string>

#include "core/error.hpp"
#include "http/client.hpp"
#include "trusted_signing/service_config.hpp"

namespace cipolicy::trusted_signing {

// " [correlation id C, operation id O]" (the operation part only when known).
std::string context_suffix(const ServiceConfig& config, const std::string& operation_id);

// The service's own code and message from any of its error shapes, or "".
std::string service_message(const http::Response& response);

// The Error for a final failure answer to `url`.
Error error_for_response(const http::Response& response, const std::string& url,
                         const ServiceConfig& config, const std::string& operation_id);

// A 500 that no retry will fix (a personal Microsoft account or a token without a tenant).
bool is_permanent_server_error(const http::Response& response);

}  // namespace cipolicy::trusted_signing
