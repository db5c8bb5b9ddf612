#include "timestamp/client.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "core/ascii.hpp"
#include "core/error.hpp"
#include "core/quote.hpp"
#include "core/setting_name.hpp"
#include "http/retry.hpp"
#include "timestamp/request.hpp"

namespace cipolicy::timestamp {

namespace {

bool is_reply_type(std::string type) {
    type = ascii_lower(type.substr(0, type.find(';')));
    type.erase(std::remove(type.begin(), type.end(), ' '), type.end());
    // RFC 3161 names application/timestamp-reply; some servers send the older -response.
    return type == "application/timestamp-reply" || type == "application/timestamp-response";
}

// 4xx other than throttling (408, 429) will not get better by asking again; 5xx and odd
// statuses (3xx beyond the redirects followed) may.
bool worth_retrying(long status) {
    return http::retryable_status(status) || status < 400 || status >= 500;
}

// `message` without the "url: " that http::Client and the token checks put in front of it (the
// caller names each server once).
std::string without_url(const std::string& message, const std::string& url) {
    for (const std::string& prefix : {url + ": ", url.substr(0, url.find('?')) + ": "})
        if (message.rfind(prefix, 0) == 0) return message.substr(prefix.size());
    return message;
}

}  // namespace

struct TsaClient::Limiter {
    explicit Limiter(int n) : free(std::max(1, n)) {}
    void acquire() {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return free > 0; });
        --free;
    }
    void release() {
        {
            std::lock_guard lock(mutex);
            ++free;
        }
        cv.notify_one();
    }
    std::mutex mutex;
    std::condition_variable cv;
    int free;
};

TsaClient::TsaClient(TsaClientOptions options)
    : options_(std::move(options)),
      http_(options_.http),
      limiter_(std::make_unique<Limiter>(options_.concurrency)) {}

TsaClient::~TsaClient() = default;

http::Response TsaClient::limited_post(const std::string& url, const Bytes& der,
                                       std::chrono::milliseconds timeout) {
    limiter_->acquire();
    struct Release {
        Limiter& l;
        ~Release() { l.release(); }
    } release{*limiter_};
    http::Request request;
    request.method = "POST";
    request.url = url;
    request.headers = {"Content-Type: application/timestamp-query",
                       "Accept: application/timestamp-reply"};
    request.body.assign(der.begin(), der.end());
    request.timeout = timeout;
    request.max_redirects = 3;  // some public TSAs moved and redirect their old address
    return http_.perform(request);
}

TokenInfo TsaClient::timestamp(ByteView signature_value, const crypto::Certificate& signer) {
    if (options_.urls.empty())
        throw Error(ExitCode::usage,
                    "no timestamp server given (" + setting_name("timestamp.urls") + " URL)");
    http::RetryPlan plan;
    plan.backoff.base = options_.retry_wait;
    plan.backoff.cap = http::kMaxServerDelay;  // only the doubling limits it, as documented
    plan.backoff.max_attempts = options_.retries + 1;
    plan.request_timeout = options_.timeout;
    plan.max_server_delay = kMaxTsaServerDelay;
    std::string failures;
    for (const auto& url : options_.urls) {
        std::optional<TokenInfo> info;
        auto failure = http::retry_with_deadline(
            plan, [&](const http::Attempt& a) -> std::optional<http::AttemptFailed> {
                TsaRequest request = make_request(signature_value);
                try {
                    http::Response reply = limited_post(url, request.der, a.timeout);
                    if (reply.status != 200)
                        return http::AttemptFailed{"HTTP " + std::to_string(reply.status),
                                                   http::server_retry_delay(reply),
                                                   worth_retrying(reply.status)};
                    std::string type = reply.header("content-type");
                    if (!is_reply_type(type))
                        return http::AttemptFailed{"unexpected content type " + quote(type, 100) +
                                                   " (expected application/timestamp-reply)"};
                    Bytes token = token_from_reply(
                        ByteView(reinterpret_cast<const std::uint8_t*>(reply.body.data()),
                                 reply.body.size()),
                        url);
                    TokenExpectations expect{signature_value, &signer, request.nonce,
                                             options_.roots};
                    info = check_token(token, expect, url);
                    info->url = url;
                    return std::nullopt;
                } catch (const http::TransportError& e) {
                    // A bad certificate or URL stays bad: not retried.
                    return http::AttemptFailed{without_url(e.what(), url), std::nullopt,
                                               e.retryable()};
                } catch (const Error& e) {
                    if (e.code() != ExitCode::timestamp) throw;
                    return http::AttemptFailed{without_url(e.what(), url)};
                }
            });
        if (!failure) return std::move(*info);
        failures += (failures.empty() ? "" : "; ") + url + ": " + failure->problem;
    }
    throw Error(ExitCode::timestamp, "timestamping failed on every server: " + failures);
}

}  // namespace cipolicy::timestamp
