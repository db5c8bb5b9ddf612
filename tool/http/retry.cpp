#include "http/retry.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <thread>

namespace cipolicy::http {
using std::chrono::milliseconds;

namespace {

std::optional<long long> parse_integer(const std::string& text) {
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
    return value;
}

// An IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT"), as seconds from now (never negative).
std::optional<long long> seconds_until_http_date(const std::string& text) {
    char weekday[4] = {}, month[4] = {};
    int day = 0, year = 0, hour = 0, minute = 0, second = 0;
    if (std::sscanf(text.c_str(), "%3s, %d %3s %d %d:%d:%d GMT", weekday, &day, month, &year, &hour,
                    &minute, &second) != 7)
        return std::nullopt;
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int m = -1;
    for (int i = 0; i < 12; ++i)
        if (std::string_view(month) == months[i]) m = i;
    // Beyond these a date is nonsense, and a year near INT_MAX would overflow below.
    if (m < 0 || year < 1970 || year > 9999 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
        minute < 0 || minute > 59 || second < 0 || second > 60)
        return std::nullopt;
    // The calendar in <chrono>, not timegm/_mkgmtime: the C runtime of Windows stops at year 3000.
    using namespace std::chrono;
    const year_month_day date{std::chrono::year(year),
                              std::chrono::month(static_cast<unsigned>(m + 1)),
                              std::chrono::day(static_cast<unsigned>(day))};
    if (!date.ok()) return std::nullopt;
    const auto when = sys_days(date) + hours(hour) + minutes(minute) + seconds(second);
    const auto now = time_point_cast<seconds>(system_clock::now());
    return std::max<long long>(0, (when - now).count());
}

}  // namespace

bool retryable_status(long status) {
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
           status == 504;
}

std::optional<milliseconds> server_retry_delay(const Response& response) {
    // Clamped before any arithmetic: a server may send 2^63-1, and now() + that overflows.
    constexpr long long max_ms = kMaxServerDelay.count();
    for (const char* name : {"retry-after-ms", "x-ms-retry-after-ms"})
        if (auto v = parse_integer(response.header(name)))
            return milliseconds(std::min(*v, max_ms));
    std::string after = response.header("retry-after");
    if (after.empty()) return std::nullopt;
    auto seconds = parse_integer(after);
    if (!seconds) seconds = seconds_until_http_date(after);
    if (!seconds) return std::nullopt;
    return milliseconds(std::min(*seconds, max_ms / 1000) * 1000);
}

milliseconds Backoff::delay(int attempt) const {
    long long exp = base.count() << std::min(attempt - 2, 20);
    long long capped = std::min<long long>(exp, cap.count());
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uniform_int_distribution<long long> jitter(capped / 2, capped);
    return milliseconds(jitter(rng));
}

Deadline Deadline::after(milliseconds length, std::string setting) {
    return {Clock::now() + length, length, std::move(setting)};
}

milliseconds Deadline::remaining() const {
    if (!limited()) return milliseconds::max();
    return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(at - Clock::now()));
}

AttemptFailed failed_transport(const TransportError& e) {
    // http::Client says "URL: what"; a URL has no ": " of its own.
    std::string text = e.what();
    if (auto colon = text.find(": ");
        colon != std::string::npos && text.find("://") < colon && text.find(' ') > colon)
        text = text.substr(colon + 2);
    return AttemptFailed(text, std::nullopt, e.retryable());
}

namespace {

std::string seconds_text(milliseconds d) {
    return std::to_string((d.count() + 999) / 1000) + " s";
}

std::string deadline_text(const Deadline& d) {
    return seconds_text(d.length) + (d.setting.empty() ? "" : " (" + d.setting + ")");
}

}  // namespace

std::string RetryFailure::message() const {
    switch (kind) {
        case Kind::deadline:
            return "no result within " + deadline_text(deadline) +
                   (problem.empty() ? "" : "; last: " + problem);
        case Kind::wait:
            return problem + "; waiting " + seconds_text(wait) + " more would pass the " +
                   seconds_text(deadline.length) + " deadline" +
                   (deadline.setting.empty() ? "" : " (" + deadline.setting + ")");
        case Kind::attempts:
            break;
    }
    return problem + (attempts > 1 ? " (after " + std::to_string(attempts) + " attempts)" : "");
}

std::optional<RetryFailure> retry_with_deadline(
    const RetryPlan& plan,
    const std::function<std::optional<AttemptFailed>(const Attempt&)>& attempt) {
    const int max_attempts = std::max(1, plan.backoff.max_attempts);
    std::string last;
    for (int n = 1;; ++n) {
        const milliseconds remaining = plan.deadline.remaining();
        if (remaining <= milliseconds(0))
            return RetryFailure{RetryFailure::Kind::deadline, last, n - 1, {}, plan.deadline};
        Attempt a{n, n >= max_attempts, std::min(plan.request_timeout, remaining)};
        std::optional<AttemptFailed> failed = attempt(a);
        if (!failed) return std::nullopt;
        last = failed->problem;
        if (!failed->retryable || a.last)
            return RetryFailure{RetryFailure::Kind::attempts, last, n, {}, plan.deadline};
        milliseconds wait = failed->server_delay
                                ? std::min(*failed->server_delay, plan.max_server_delay)
                                : plan.backoff.delay(n + 1);
        if (wait > plan.deadline.remaining())
            return RetryFailure{RetryFailure::Kind::wait, last, n, wait, plan.deadline};
        std::this_thread::sleep_for(wait);
    }
}

}  // namespace cipolicy::http
