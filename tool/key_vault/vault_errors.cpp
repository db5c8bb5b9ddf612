#include "key_vault/vault_errors.hpp"

#include <nlohmann/json.hpp>

#include "core/quote.hpp"

namespace cipolicy::key_vault {
using nlohmann::json;

namespace {

// A parameter of a WWW-Authenticate challenge: Bearer authorization="...", resource="...".
std::string challenge_parameter(const std::string& header, const std::string& name) {
    auto at = header.find(name + "=\"");
    if (at == std::string::npos) return {};
    at += name.size() + 2;
    auto end = header.find('"', at);
    return escaped(header.substr(at, end == std::string::npos ? 0 : end - at), 120);
}

}  // namespace

std::string vault_message(const http::Response& response) {
    json body = json::parse(response.body, nullptr, false);
    if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return {};
    const json& e = body["error"];
    std::string code = e.contains("code") && e["code"].is_string() ? e["code"] : "";
    std::string message = e.contains("message") && e["message"].is_string() ? e["message"] : "";
    if (e.contains("innererror") && e["innererror"].is_object() &&
        e["innererror"].contains("code") && e["innererror"]["code"].is_string())
        code += "/" + e["innererror"]["code"].get<std::string>();
    message = escaped(message.substr(0, message.find_first_of("\r\n")));
    code = escaped(code, 100);
    if (code.empty()) return message;
    return message.empty() ? code : code + ": " + message;
}

Error error_for_response(const http::Response& response, const std::string& url,
                         const std::string& what, const std::string& role) {
    const std::string where =
        url.substr(0, url.find('?')) + ": HTTP " + std::to_string(response.status);
    const std::string said = vault_message(response);
    const std::string from_vault = said.empty() ? std::string() : " (Key Vault: " + said + ")";
    switch (response.status) {
        case 401: {
            const std::string challenge = response.header("www-authenticate");
            const std::string authority = challenge_parameter(challenge, "authorization");
            const std::string resource = challenge_parameter(challenge, "resource");
            return Error(
                ExitCode::credential,
                where + ": the access token was refused; the vault wants a token for " +
                    (resource.empty() ? std::string("https://vault.azure.net") : resource) +
                    (authority.empty()
                         ? std::string()
                         : " issued by " + authority + " (set AZURE_TENANT_ID to that tenant)") +
                    ", not expired" + from_vault);
        }
        case 403:
            return Error(ExitCode::service,
                         where + ": forbidden; the identity needs the role \"" + role +
                             "\" on the vault (RBAC), or the access policy permission, and the "
                             "vault's firewall must admit this machine" +
                             from_vault);
        case 404:
            return Error(ExitCode::service, where + ": " + what +
                                                " not found in the vault; check the name and "
                                                "version (az keyvault certificate list)" +
                                                from_vault);
        default:
            return Error(ExitCode::service, where + from_vault);
    }
}

}  // namespace cipolicy::key_vault
