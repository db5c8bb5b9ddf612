#pragma once
// When to retry an HTTP exchange and how long to wait: capped exponential backoff with jitter,
// overridden by the server's own Retry-After / retry-after-ms / x-ms-retry-after-ms.

#include <chrono>
#include <optional>

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

}  // namespace cipolicy::http
