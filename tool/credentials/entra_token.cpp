#include "credentials/entra_token.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/quote.hpp"
#include "http/encoding.hpp"
#include "http/retry.hpp"
#include "http/url.hpp"

namespace cipolicy::credentials {
using nlohmann::json;

std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

std::string authority_host() {
    std::string host = env("AZURE_AUTHORITY_HOST").value_or("https://login.microsoftonline.com/");
    // Client secrets and assertions are posted there: https only, as the Azure SDKs require.
    const auto origin = http::origin_of(host);
    if (!origin || origin->scheme != "https")
        throw Error(ExitCode::usage, "AZURE_AUTHORITY_HOST " + quote(host) +
                                         ": must be an https URL (credentials are sent there), "
                                         "e.g. https://login.microsoftonline.com/");
    if (host.back() != '/') host += '/';
    return host;
}

std::string token_endpoint(const std::string& tenant) {
    return authority_host() + http::url_escape(tenant) + "/oauth2/v2.0/token";
}

namespace {
// Entra sends expires_in as a number, IMDS and App Service as a string of digits.
std::optional<long long> number_or_string(const json& v) {
    if (v.is_number_unsigned())
        return static_cast<long long>(std::min<std::uint64_t>(v.get<std::uint64_t>(), INT64_MAX));
    if (v.is_number_integer()) return v.get<long long>();
    if (!v.is_string()) return std::nullopt;
    const std::string text = v.get<std::string>();
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc::result_out_of_range) return text[0] == '-' ? INT64_MIN : INT64_MAX;
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

std::chrono::system_clock::time_point clamped_expiry(std::optional<long long> epoch_seconds,
                                                     std::optional<long long> seconds_from_now) {
    using namespace std::chrono;
    const long long now = time_point_cast<seconds>(system_clock::now()).time_since_epoch().count();
    constexpr long long week = 7 * 86400;
    long long at = now + std::clamp(seconds_from_now.value_or(3600), -week, week);
    if (epoch_seconds) at = std::clamp(*epoch_seconds, now - week, now + week);
    return system_clock::time_point(seconds(at));
}

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
                                              (why.empty() ? std::string() : ": " + escaped(why)));
    }
    if (!body.is_object() || !body.contains("access_token") || !body["access_token"].is_string())
        throw Error(ExitCode::credential,
                    source + ": the answer is not a token response (no access_token)");
    AccessToken token{crypto::Secret(body["access_token"].get<std::string>()),
                      std::chrono::system_clock::now() + std::chrono::minutes(60)};
    for (const char* key : {"expires_on", "expires_in"}) {
        if (!body.contains(key)) continue;
        auto value = number_or_string(body[key]);
        if (!value)
            throw Error(ExitCode::credential,
                        source + ": the token's " + key + " is not a number of seconds");
        token.expires_on = key == std::string_view("expires_on") ? clamped_expiry(value, {})
                                                                 : clamped_expiry({}, value);
        break;
    }
    return token;
}

AccessToken request_client_credentials_token(http::Client& client, const std::string& tenant,
                                             const std::string& form, const std::string& who,
                                             const TokenTarget& target) {
    http::Request request;
    request.method = "POST";
    request.url = token_endpoint(tenant);
    request.headers = {"Content-Type: application/x-www-form-urlencoded",
                       "Accept: application/json"};
    request.body = "grant_type=client_credentials&" + form +
                   "&scope=" + http::url_escape(scope_of(target.audience));
    // A few attempts: Entra ID has short outages too, and a run should not fail on one. Never
    // past the run's deadline, though (--timeout), nor any request past --request-timeout.
    http::RetryPlan plan;
    plan.backoff.max_attempts = 3;
    plan.deadline = http::Deadline::after(target.deadline, target.deadline_setting);
    plan.request_timeout = target.request_timeout;
    plan.max_server_delay = std::chrono::seconds(30);
    std::optional<AccessToken> token;
    auto failure = http::retry_with_deadline(
        plan, [&](const http::Attempt& a) -> std::optional<http::AttemptFailed> {
            request.timeout = a.timeout;
            try {
                http::Response response = client.perform(request);
                if (!http::retryable_status(response.status) || a.last) {
                    token = parse_token_response(response, who + ": " + request.url);
                    return std::nullopt;
                }
                return http::AttemptFailed{"HTTP " + std::to_string(response.status),
                                           http::server_retry_delay(response)};
            } catch (const http::TransportError& e) {
                return http::failed_transport(e);
            }
        });
    if (failure)
        throw Error(ExitCode::credential, who + ": " + request.url + ": " + failure->message());
    return std::move(*token);
}

}  // namespace cipolicy::credentials
