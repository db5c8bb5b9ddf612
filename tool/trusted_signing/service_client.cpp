#include "trusted_signing/service_client.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "core/error.hpp"
#include "core/quote.hpp"
#include "core/setting_name.hpp"
#include "credentials/token_use.hpp"
#include "crypto/rsa_signature.hpp"
#include "http/azure_request.hpp"
#include "http/encoding.hpp"
#include "http/url.hpp"
#include "trusted_signing/poll_schedule.hpp"
#include "trusted_signing/service_errors.hpp"
#include "trusted_signing/signing_result.hpp"

namespace cipolicy::trusted_signing {
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

// "In Progress", "InProgress", "inprogress" are one state: compare lower case without spaces.
std::string normalized_status(const json& body) {
    std::string s;
    if (body.contains("status") && body["status"].is_string()) s = body["status"];
    std::string out;
    for (unsigned char c : s)
        if (!std::isspace(c)) out += static_cast<char>(std::tolower(c));
    return out;
}

std::string string_field(const json& obj, const char* key) {
    if (obj.is_object() && obj.contains(key) && obj[key].is_string()) return obj[key];
    return {};
}

// How users set the per-file deadline ("--timeout" on the command line).
std::string timeout_name() {
    return setting_name("azure.timeout");
}

long long seconds_of(milliseconds d) {
    return (d.count() + 999) / 1000;
}

}  // namespace

ServiceClient::ServiceClient(ServiceConfig config, http::Client& http,
                             credentials::TokenProvider& tokens)
    : config_(std::move(config)), http_(http), tokens_(tokens) {}

std::string ServiceClient::query() const {
    return "?api-version=" + http::url_escape(config_.api_version);
}

std::string ServiceClient::resolve(const std::string& location) const {
    if (location.rfind("https://", 0) == 0 || location.rfind("http://", 0) == 0) return location;
    if (!location.empty() && location[0] == '/') {
        // Relative to the endpoint's origin.
        auto slash = config_.endpoint.find('/', 8);
        return config_.endpoint.substr(0, slash) + location;
    }
    return config_.endpoint + "/" + location;
}

http::Response ServiceClient::call(const std::string& method, const std::string& url,
                                   const std::string& body, const http::Deadline& deadline,
                                   const std::string& operation_id, const std::string& accept) {
    // The bearer token was issued for the endpoint: a URL the service returns (Operation-Location,
    // nextLink) gets it only on the endpoint's own origin, over https.
    if (!http::same_https_origin(url, config_.endpoint))
        throw Error(ExitCode::service,
                    "the service sent the client to " + quote(url.substr(0, url.find('?'))) +
                        ", which is not " + config_.endpoint +
                        " over https; refused, since the access token goes only there" +
                        context_suffix(config_, operation_id));
    http::RetryPlan plan;
    plan.deadline = deadline;
    plan.request_timeout = config_.request_timeout;
    http::Response result;
    credentials::TokenUse token(tokens_);
    auto failure = http::retry_with_deadline(
        plan, [&](const http::Attempt& a) -> std::optional<http::AttemptFailed> {
            http::Request request =
                http::azure_request(method, url, body, a.timeout, token.bearer(), accept);
            request.headers.push_back("x-correlation-id: " + config_.correlation_id);
            request.headers.push_back("client-version: " + http::Client::user_agent());
            try {
                http::Response response = http_.perform(request);
                if (response.status >= 200 && response.status < 300) {
                    result = std::move(response);
                    return std::nullopt;
                }
                if (response.status == 401)
                    if (auto again = token.refused(a)) return again;
                if (!http::retryable_status(response.status) ||
                    is_permanent_server_error(response) || a.last)
                    throw error_for_response(response, url, config_, operation_id);
                std::string problem = "HTTP " + std::to_string(response.status);
                if (auto said = service_message(response); !said.empty()) problem += " " + said;
                return http::AttemptFailed{problem, http::server_retry_delay(response)};
            } catch (const http::TransportError& e) {
                return http::failed_transport(e);
            }
        });
    if (failure)
        throw Error(ExitCode::service, url.substr(0, url.find('?')) + ": " + failure->message() +
                                           context_suffix(config_, operation_id));
    return result;
}

http::Deadline ServiceClient::deadline() const {
    return http::Deadline::after(config_.deadline, timeout_name());
}

ServiceSignature ServiceClient::sign(crypto::DigestAlgorithm alg, ByteView digest,
                                     const std::function<void()>& accepted) {
    const http::Deadline deadline = this->deadline();
    const std::string base = profile_base_url(config_);
    json request{{"signatureAlgorithm", crypto::jwa_rsa_name(alg)},
                 {"digest", http::base64_encode(digest)}};
    const bool new_api = uses_operation_location(config_.api_version);
    const std::string start_url = base + (new_api ? ":sign" : "/sign") + query();
    Clock::time_point sent = Clock::now();
    http::Response response = call("POST", start_url, request.dump(), deadline, {});

    auto parse = [&](const http::Response& r, const std::string& url, const std::string& op) {
        json body = json::parse(r.body, nullptr, false);
        if (!body.is_object())
            throw Error(ExitCode::service, url.substr(0, url.find('?')) +
                                               ": the answer is not the expected JSON object" +
                                               context_suffix(config_, op));
        return body;
    };
    json status = parse(response, start_url, {});
    std::string operation_id = string_field(status, new_api ? "id" : "operationId");
    std::string poll_url;
    if (new_api) {
        std::string location = response.header("operation-location");
        if (location.empty())
            throw Error(ExitCode::service, start_url.substr(0, start_url.find('?')) +
                                               ": no Operation-Location header in the answer" +
                                               context_suffix(config_, operation_id));
        poll_url = resolve(location);
    } else {
        if (operation_id.empty())
            throw Error(ExitCode::service, start_url.substr(0, start_url.find('?')) +
                                               ": the answer has no operationId" +
                                               context_suffix(config_, operation_id));
        poll_url = base + "/sign/" + http::url_escape(operation_id) + query();
    }

    if (accepted) accepted();
    PollSchedule schedule;
    for (;;) {
        std::string state = normalized_status(status);
        if (state == "succeeded") break;
        if (state != "inprogress" && state != "notstarted" && state != "running") {
            std::string why = service_message(http::Response{200, {}, response.body});
            throw Error(ExitCode::service,
                        "the signing operation ended " +
                            (state.empty() ? std::string("without a status")
                                           : escaped(string_field(status, "status"), 100)) +
                            (why.empty() ? std::string() : " (" + why + ")") +
                            "; check the account's health and subscription in the Azure portal" +
                            context_suffix(config_, operation_id));
        }
        const Clock::time_point when = schedule.next(response, sent, Clock::now());
        if (when > deadline.at)
            throw Error(ExitCode::service, "the signing operation did not finish within " +
                                               std::to_string(seconds_of(config_.deadline)) +
                                               " s (" + timeout_name() + ")" +
                                               context_suffix(config_, operation_id));
        std::this_thread::sleep_until(when);
        sent = Clock::now();
        response = call("GET", poll_url, {}, deadline, operation_id);
        status = parse(response, poll_url, operation_id);
    }

    const json& result = new_api ? (status.contains("result") ? status["result"] : json()) : status;
    std::string signature_b64 = string_field(result, "signature");
    std::string cert_field = string_field(result, "signingCertificate");
    std::string ctx = context_suffix(config_, operation_id);
    auto signature = http::base64_decode(signature_b64);
    if (signature_b64.empty() || !signature || signature->empty())
        throw Error(ExitCode::service,
                    "the signing operation succeeded without a usable "
                    "signature" +
                        ctx);
    if (cert_field.empty())
        throw Error(ExitCode::service,
                    "the signing operation succeeded without a signingCertificate" + ctx);
    std::vector<crypto::Certificate> certs =
        decode_signing_certificate(cert_field, "signingCertificate" + ctx);
    return {*signature, leaf_first(std::move(certs), alg, digest, *signature, ctx), operation_id};
}

Bytes ServiceClient::root_certificate() {
    std::string url = profile_base_url(config_) + "/sign/rootcert" + query();
    http::Response r = call("GET", url, {}, deadline(), {}, "*/*");
    return Bytes(r.body.begin(), r.body.end());
}

Bytes ServiceClient::certificate_chain() {
    std::string url = profile_base_url(config_) + "/sign/certchain" + query();
    http::Response r = call("GET", url, {}, deadline(), {}, "*/*");
    return Bytes(r.body.begin(), r.body.end());
}

std::vector<std::string> ServiceClient::customer_ekus() {
    const http::Deadline deadline = this->deadline();
    std::string url = profile_base_url(config_) + "/sign/eku" + query();
    std::vector<std::string> ekus;
    std::set<std::string> visited;
    auto add = [&ekus](const std::string& oid) {
        if (std::find(ekus.begin(), ekus.end(), oid) == ekus.end()) ekus.push_back(oid);
    };
    constexpr int kMaxPages = 100;
    for (int page = 0; !url.empty(); ++page) {
        // A nextLink back to a page already read would repeat forever (and repeat its EKUs).
        if (!visited.insert(url).second)
            throw Error(ExitCode::service,
                        quote(url.substr(0, url.find('?'))) +
                            ": the EKU list's nextLink leads back to a page already read; the "
                            "service's answer loops, so the list was not used" +
                            context_suffix(config_, {}));
        if (page == kMaxPages)
            throw Error(ExitCode::service, "the EKU list has more than " +
                                               std::to_string(kMaxPages) +
                                               " pages; the service's answer was not used" +
                                               context_suffix(config_, {}));
        http::Response r = call("GET", url, {}, deadline, {});
        json body = json::parse(r.body, nullptr, false);
        std::string next;
        if (body.is_array()) {  // 2022-06-15-preview: ["1.3.6...", ...]
            for (const auto& v : body)
                if (v.is_string()) add(v);
        } else if (body.is_object() && body.contains("value") && body["value"].is_array()) {
            for (const auto& v : body["value"]) {
                if (v.is_string())
                    add(v);
                else if (auto e = string_field(v, "eku"); !e.empty())
                    add(e);
            }
            next = string_field(body, "nextLink");
        } else {
            throw Error(ExitCode::service, url.substr(0, url.find('?')) +
                                               ": the answer is not a list of EKUs" +
                                               context_suffix(config_, {}));
        }
        url = next.empty() ? std::string() : resolve(next);
    }
    return ekus;
}

}  // namespace cipolicy::trusted_signing
