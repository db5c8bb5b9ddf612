#include "credentials/entra_token.hpp"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/error.hpp"
#include "http/encoding.hpp"
#include "http/retry.hpp"

namespace cipolicy::credentials {
using nlohmann::json;

std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

std::string authority_host() {
    std::string host = env("AZURE_AUTHORITY_HOST").value_or("https://login.microsoftonline.com/");
    if (host.back() != '/') host += '/';
    return host;
}

std::string token_endpoint(const std::string& tenant) {
    return authority_host() + http::url_escape(tenant) + "/oauth2/v2.0/token";
}

namespace {
long long number_or_string(const json& v) {
    if (v.is_number_integer()) return v.get<long long>();
    if (v.is_string()) return std::stoll(v.get<std::string>());
    throw std::invalid_argument("not a number");
}
}  // namespace

AccessToken parse_token_response(const http::Response& response, const std::string& source) {
    json body = json::parse(response.body, nullptr, false);
    if (response.status != 200) {
        std::string why;
        if (body.is_object()) {
            // Entra: {"error","error_description"}; IMDS and App Service answer alike.
            if (body.contains("error_description") && body["error_description"].is_string())
                why = body["error_description"].get<std::string>();
            else if (body.contains("error") && body["error"].is_string())
                why = body["error"].get<std::string>();
            else if (body.contains("message") && body["message"].is_string())
                why = body["message"].get<std::string>();
        }
        // The first line only: Entra appends trace and correlation ids on further lines.
        why = why.substr(0, why.find_first_of("\r\n"));
        throw Error(ExitCode::credential, source + ": HTTP " + std::to_string(response.status) +
                                              (why.empty() ? std::string() : ": " + why));
    }
    if (!body.is_object() || !body.contains("access_token") || !body["access_token"].is_string())
        throw Error(ExitCode::credential,
                    source + ": the answer is not a token response (no access_token)");
    AccessToken token{Secret(body["access_token"].get<std::string>()),
                      std::chrono::system_clock::now() + std::chrono::minutes(60)};
    try {
        if (body.contains("expires_on")) {
            token.expires_on = std::chrono::system_clock::time_point(
                std::chrono::seconds(number_or_string(body["expires_on"])));
        } else if (body.contains("expires_in")) {
            token.expires_on = std::chrono::system_clock::now() +
                               std::chrono::seconds(number_or_string(body["expires_in"]));
        }
    } catch (const std::exception&) {
        throw Error(ExitCode::credential, source + ": the token's expiry is not a number");
    }
    return token;
}

AccessToken request_client_credentials_token(http::Client& client, const std::string& tenant,
                                             const std::string& form, const std::string& who) {
    http::Request request;
    request.method = "POST";
    request.url = token_endpoint(tenant);
    request.headers = {"Content-Type: application/x-www-form-urlencoded",
                       "Accept: application/json"};
    request.body = "grant_type=client_credentials&" + form + "&scope=" + http::url_escape(kScope);
    request.timeout = std::chrono::seconds(60);
    // A few attempts: Entra ID has short outages too, and a run should not fail on one.
    http::Backoff backoff;
    backoff.max_attempts = 3;
    for (int attempt = 1;; ++attempt) {
        std::chrono::milliseconds wait = backoff.delay(attempt + 1);
        try {
            http::Response response = client.perform(request);
            if (!http::retryable_status(response.status) || attempt >= backoff.max_attempts)
                return parse_token_response(response, who + ": " + request.url);
            wait = std::min(http::server_retry_delay(response).value_or(wait),
                            std::chrono::milliseconds(30000));
        } catch (const http::TransportError& e) {
            if (!e.retryable() || attempt >= backoff.max_attempts)
                throw Error(ExitCode::credential, who + ": " + e.what());
        }
        std::this_thread::sleep_for(wait);
    }
}

}  // namespace cipolicy::credentials
