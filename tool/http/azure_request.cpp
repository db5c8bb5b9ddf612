#include "http/azure_request.hpp"

#include "http/encoding.hpp"

namespace cipolicy::http {

Request azure_request(const std::string& method, const std::string& url, const std::string& body,
                      std::chrono::milliseconds timeout, const std::string& bearer,
                      const std::string& accept) {
    Request request;
    request.method = method;
    request.url = url;
    request.body = body;
    request.timeout = timeout;
    request.headers = {"Authorization: Bearer " + bearer, "Accept: " + accept,
                       "x-ms-client-request-id: " + random_uuid()};
    if (!body.empty()) request.headers.push_back("Content-Type: application/json");
    return request;
}

}  // namespace cipolicy::http
