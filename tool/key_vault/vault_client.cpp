#include "key_vault/vault_client.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/quote.hpp"
#include "credentials/token_use.hpp"
#include "crypto/rsa_signature.hpp"
#include "http/azure_request.hpp"
#include "http/encoding.hpp"
#include "key_vault/vault_errors.hpp"

namespace cipolicy::key_vault {
using nlohmann::json;

namespace {

std::string string_field(const json& obj, const char* key) {
    if (obj.is_object() && obj.contains(key) && obj[key].is_string()) return obj[key];
    return {};
}

// Key Vault speaks base64url without padding in JWK fields (value, signatures).
std::optional<Bytes> base64url_decode(std::string text) {
    for (char& c : text) {
        if (c == '+' || c == '/') return std::nullopt;
        c = c == '-' ? '+' : c == '_' ? '/' : c;
    }
    text.append((4 - text.size() % 4) % 4, '=');
    return http::base64_decode(text);
}

json parse_object(const http::Response& r, const std::string& url) {
    json body = json::parse(r.body, nullptr, false);
    if (!body.is_object())
        throw Error(ExitCode::service,
                    url.substr(0, url.find('?')) + ": the answer is not the expected JSON object");
    return body;
}

}  // namespace

VaultClient::VaultClient(VaultConfig config, http::Client& http, credentials::TokenProvider& tokens)
    : config_(std::move(config)), http_(http), tokens_(tokens) {}

http::Response VaultClient::call(const std::string& method, const std::string& url,
                                 const std::string& body) {
    http::RetryPlan plan;
    plan.deadline = http::Deadline::after(config_.deadline, config_.deadline_setting);
    plan.request_timeout = config_.request_timeout;
    http::Response result;
    credentials::TokenUse token(tokens_);
    auto failure = http::retry_with_deadline(
        plan, [&](const http::Attempt& a) -> std::optional<http::AttemptFailed> {
            const http::Request request = http::azure_request(method, url, body, a.timeout,
                                                              token.bearer(), "application/json");
            try {
                http::Response response = http_.perform(request);
                if (response.status == 401)
                    if (auto again = token.refused(a)) return again;
                // Any other answer, and the last retryable one, goes to the caller, who names the
                // object and the role.
                if (!http::retryable_status(response.status) || a.last) {
                    result = std::move(response);
                    return std::nullopt;
                }
                std::string problem = "HTTP " + std::to_string(response.status);
                if (auto said = vault_message(response); !said.empty()) problem += " " + said;
                return http::AttemptFailed{problem, http::server_retry_delay(response)};
            } catch (const http::TransportError& e) {
                return http::failed_transport(e);
            }
        });
    if (failure)
        throw Error(ExitCode::service, url.substr(0, url.find('?')) + ": " + failure->message());
    return result;
}

VaultCertificate VaultClient::certificate() {
    const std::string url =
        config_.vault + "/certificates/" + http::url_escape(config_.certificate) +
        (config_.version.empty() ? "" : "/" + http::url_escape(config_.version)) +
        "?api-version=" + kApiVersion;
    const std::string what = "certificate " + quote(config_.certificate) +
                             (config_.version.empty() ? "" : " version " + config_.version);
    http::Response r = call("GET", url, {});
    if (r.status != 200) throw error_for_response(r, url, what, "Key Vault Certificate User");
    json body = parse_object(r, url);
    const std::string source = url.substr(0, url.find('?'));
    if (body.contains("attributes") && body["attributes"].is_object() &&
        body["attributes"].value("enabled", true) == false)
        throw Error(ExitCode::key,
                    source + ": the " + what + " is disabled; enable it or choose another version");
    auto der = http::base64_decode(string_field(body, "cer"));
    if (!der || der->empty())
        throw Error(ExitCode::service, source + ": the answer has no certificate (cer)");
    std::string kid = string_field(body, "kid");
    // The token goes wherever kid points: only to this vault's own keys.
    if (!is_key_of_vault(kid, config_.vault))
        throw Error(ExitCode::service, source + ": the key id (kid) " + quote(kid) +
                                           " is not a key version of " + config_.vault);
    return {crypto::Certificate::from_der(*der, source + " (cer)"), kid,
            escaped(string_field(body, "id"))};
}

Bytes VaultClient::sign(const std::string& key_url, crypto::DigestAlgorithm alg, ByteView digest) {
    const std::string url = key_url + "/sign?api-version=" + kApiVersion;
    json request{{"alg", crypto::jwa_rsa_name(alg)}, {"value", http::base64url_encode(digest)}};
    http::Response r = call("POST", url, request.dump());
    if (r.status != 200)
        throw error_for_response(r, url, "key " + quote(key_url), "Key Vault Crypto User");
    json body = parse_object(r, url);
    auto signature = base64url_decode(string_field(body, "value"));
    if (!signature || signature->empty())
        throw Error(ExitCode::service,
                    url.substr(0, url.find('?')) + ": the answer has no signature (value)");
    return *signature;
}

}  // namespace cipolicy::key_vault
