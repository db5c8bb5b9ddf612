#pragma once
// When to retry an HTTP exchange and how long to wait: capped exponential backoff with jitter,
// overridden by the server's own Retry-After / retry-after-ms / x-ms-retry-after-ms.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "http/client.hpp"

namespace cipolicy::http {

// 408, 429, 500, 502, 503, 504: the statuses a later attempt may turn into success.
bool retryable_status(long status);

// The longest delay a server can ask for; callers cap it further to their own deadlines.
inline constexpr std::chrono::milliseconds kMaxServerDelay = std::chrono::hours(24);

// The server's requested delay, if it gave one: retry-after-ms and x-ms-retry-after-ms
// (milliseconds) take precedence over Retry-After (delta seconds or an HTTP date). At most
// kMaxServerDelay, whatever the server sent.
std::optional<std::chrono::milliseconds> server_retry_delay(const Response& response);

struct Backoff {
    std::chrono::milliseconds base{500};
    std::chrono::milliseconds cap{30000};
    int max_attempts = 6;  // attempts in total, the first included
    // The wait before attempt `attempt` (2, 3, ...): base * 2^(attempt-2), capped, with full
    // jitter in [50%, 100%] so that parallel clients do not retry in lockstep.
    std::chrono::milliseconds delay(int attempt) const;
};

using Clock = std::chrono::steady_clock;

// The one deadline of an operation (a signed file, a token request): no attempt starts after it,
// and no request or wait outlasts it. `setting` names how the user sets it, for messages.
struct Deadline {
    Clock::time_point at = Clock::time_point::max();  // the default: none
    std::chrono::milliseconds length{0};
    std::string setting;  // "--timeout"

    static Deadline after(std::chrono::milliseconds length, std::string setting);
    bool limited() const { return at != Clock::time_point::max(); }
    std::chrono::milliseconds remaining() const;  // never negative
};

// Why one attempt did not give a result.
struct AttemptFailed {
    explicit AttemptFailed(std::string problem,
                           std::optional<std::chrono::milliseconds> server_delay = std::nullopt,
                           bool retryable = true)
        : problem(std::move(problem)), server_delay(server_delay), retryable(retryable) {}
    std::string problem;  // "HTTP 503 Busy", a transport error without its URL
    std::optional<std::chrono::milliseconds> server_delay;  // the answer's Retry-After
    bool retryable = true;  // false: another attempt cannot help (a bad certificate, a 4xx)
};

// A transport error as a failed attempt: its text without the URL in front (callers name it).
AttemptFailed failed_transport(const TransportError& e);

struct Attempt {
    int number = 1;
    bool last = false;  // no attempt follows this one: it may as well report its own error
    std::chrono::milliseconds timeout{
        0};  // for its request: the request timeout, within the deadline
};

struct RetryPlan {
    Backoff backoff;
    Deadline deadline;
    std::chrono::milliseconds request_timeout{60000};              // per attempt
    std::chrono::milliseconds max_server_delay = kMaxServerDelay;  // Retry-After obeyed up to this
};

// How retrying ended without a result.
struct RetryFailure {
    enum class Kind { attempts, deadline, wait } kind = Kind::attempts;
    std::string problem;  // the last attempt's
    int attempts = 0;
    std::chrono::milliseconds wait{0};  // Kind::wait: the wait that would pass the deadline
    Deadline deadline;
    // One line without the operation's name: "HTTP 503 (after 6 attempts)", "no result within
    // 30 s (--timeout); last: ...", "HTTP 429; waiting 100 s more would pass the 5 s deadline
    // (--timeout)".
    std::string message() const;
};

// The one retry loop of every network exchange (Trusted Signing, Key Vault, Entra ID, timestamp
// servers): calls `attempt` until it returns nullopt (it has its result), waiting between attempts
// as the server asks or as `plan.backoff` says, never past the deadline. Returns why it gave up.
std::optional<RetryFailure> retry_with_deadline(
    const RetryPlan& plan,
    const std::function<std::optional<AttemptFailed>(const Attempt&)>& attempt);

}  // namespace cipolicy::http
