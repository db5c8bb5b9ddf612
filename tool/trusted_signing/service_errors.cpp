#include "trusted_signing/service_errors.hpp"

#include <nlohmann/json.hpp>

#include "core/quote.hpp"

namespace cipolicy::trusted_signing {
using nlohmann::json;

std::string context_suffix(const ServiceConfig& config, const std::string& operation_id) {
    std::string s = " [correlation id " + config.correlation_id;
    if (!operation_id.empty()) s += ", operation id " + operation_id;
    return s + "]";
}

std::string service_message(const http::Response& response) {
    json body = json::parse(response.body, nullptr, false);
    std::string code = response.header("x-ms-error-code"), message;
    if (body.is_object()) {
        // 2022 API: {"errorDetail":{...}}; 2024 API: {"error":{...}}; some: top-level fields.
        const json* e = &body;
        if (body.contains("errorDetail") && body["errorDetail"].is_object())
            e = &body["errorDetail"];
        else if (body.contains("error") && body["error"].is_object())
            e = &body["error"];
        if (e->contains("code") && (*e)["code"].is_string()) code = (*e)["code"];
        if (e->contains("message") && (*e)["message"].is_string()) message = (*e)["message"];
    }
    // The service's text is untrusted: one line of it, escaped and cut short.
    message = escaped(message.substr(0, message.find_first_of("\r\n")));
    code = escaped(code, 100);
    if (code.empty()) return message;
    return message.empty() ? code : code + ": " + message;
}

bool is_permanent_server_error(const http::Response& response) {
    return response.status == 500 &&
           response.body.find("ClaimsPrincipal TenantId is null") != std::string::npos;
}

Error error_for_response(const http::Response& response, const std::string& url,
                         const ServiceConfig& config, const std::string& operation_id) {
    std::string where = url.substr(0, url.find('?')) + ": HTTP " + std::to_string(response.status);
    std::string said = service_message(response);
    std::string ctx = context_suffix(config, operation_id);
    std::string from_service = said.empty() ? std::string() : " (service: " + said + ")";
    switch (response.status) {
        case 401:
            return Error(ExitCode::credential,
                         where +
                             ": the access token was refused; it must be for the audience "
                             "https://codesigning.azure.net (no trailing slash), issued by "
                             "the tenant that holds the account (AZURE_TENANT_ID), and not "
                             "expired" +
                             from_service + ctx);
        case 403:
            return Error(ExitCode::service,
                         where +
                             ": forbidden; either the endpoint's region is not the "
                             "account's (use the endpoint shown on the account), or the "
                             "identity lacks the role \"Trusted Signing Certificate Profile "
                             "Signer\" (now \"Artifact Signing Certificate Profile Signer\") "
                             "on profile '" +
                             config.profile + "', or the account is not healthy" + from_service +
                             ctx);
        case 404:
            return Error(ExitCode::service,
                         where + ": not found; check the account name '" + config.account +
                             "' and the certificate profile name '" + config.profile +
                             "' (and that the endpoint is the account's region)" + from_service +
                             ctx);
        case 400:
            return Error(ExitCode::service,
                         where + ": the service refused the request" + from_service + ctx);
        default:
            break;
    }
    if (is_permanent_server_error(response))
        return Error(ExitCode::credential,
                     where +
                         ": the token carries no tenant; personal Microsoft accounts cannot "
                         "use Trusted Signing: sign in with an account or app registration "
                         "of the tenant that holds the account" +
                         from_service + ctx);
    return Error(ExitCode::service, where + from_service + ctx);
}

}  // namespace cipolicy::trusted_signing
