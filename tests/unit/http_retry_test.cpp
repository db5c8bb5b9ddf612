// http::retry_with_deadline, the one retry loop of Trusted Signing, Key Vault, Entra ID and the
// timestamp client: it stops at the attempt limit, at a failure that cannot get better, and
// before a wait that would pass the deadline (without waiting it). No clock is asserted.
#include <catch2/catch.hpp>

#include "http/retry.hpp"

using namespace cipolicy;
using std::chrono::milliseconds;

namespace {

http::RetryPlan quick(int attempts) {
    http::RetryPlan plan;
    plan.backoff.base = milliseconds(1);
    plan.backoff.cap = milliseconds(1);
    plan.backoff.max_attempts = attempts;
    return plan;
}

}  // namespace

TEST_CASE("retries until the attempt succeeds, telling it which attempt is the last", "[http]") {
    std::vector<int> numbers;
    std::vector<bool> lasts;
    auto failure = http::retry_with_deadline(
        quick(3), [&](const http::Attempt& a) -> std::optional<http::AttemptFailed> {
            numbers.push_back(a.number);
            lasts.push_back(a.last);
            if (a.number < 3) return http::AttemptFailed{"HTTP 503"};
            return std::nullopt;
        });
    CHECK_FALSE(failure);
    CHECK(numbers == std::vector<int>{1, 2, 3});
    CHECK(lasts == std::vector<bool>{false, false, true});
}

TEST_CASE("gives up after the last attempt, or at once when retrying cannot help", "[http]") {
    int calls = 0;
    auto failure = http::retry_with_deadline(
        quick(4), [&](const http::Attempt&) -> std::optional<http::AttemptFailed> {
            ++calls;
            return http::AttemptFailed{"HTTP 503 Busy"};
        });
    REQUIRE(failure);
    CHECK(calls == 4);
    CHECK(failure->message() == "HTTP 503 Busy (after 4 attempts)");

    calls = 0;
    failure = http::retry_with_deadline(
        quick(4), [&](const http::Attempt&) -> std::optional<http::AttemptFailed> {
            ++calls;
            return http::AttemptFailed{"certificate verify failed", std::nullopt, false};
        });
    REQUIRE(failure);
    CHECK(calls == 1);
    CHECK(failure->message() == "certificate verify failed");
}

TEST_CASE("a wait the server asks for beyond the deadline is not waited", "[http]") {
    http::RetryPlan plan = quick(6);
    plan.deadline = http::Deadline::after(std::chrono::seconds(30), "--timeout");
    int calls = 0;
    auto failure = http::retry_with_deadline(
        plan, [&](const http::Attempt& a) -> std::optional<http::AttemptFailed> {
            ++calls;
            CHECK(a.timeout <= milliseconds(30000));
            return http::AttemptFailed{"HTTP 429", std::chrono::hours(1)};
        });
    REQUIRE(failure);
    CHECK(calls == 1);
    CHECK(failure->kind == http::RetryFailure::Kind::wait);
    CHECK(failure->message() ==
          "HTTP 429; waiting 3600 s more would pass the 30 s deadline (--timeout)");
}

TEST_CASE("no attempt starts after the deadline, and each is cut to what remains", "[http]") {
    http::RetryPlan plan = quick(6);
    plan.request_timeout = std::chrono::hours(1);
    plan.deadline = http::Deadline::after(milliseconds(0), "--timeout");
    int calls = 0;
    auto failure = http::retry_with_deadline(
        plan, [&](const http::Attempt&) -> std::optional<http::AttemptFailed> {
            ++calls;
            return std::nullopt;
        });
    REQUIRE(failure);
    CHECK(calls == 0);
    CHECK(failure->message() == "no result within 0 s (--timeout)");

    plan.deadline = http::Deadline::after(std::chrono::seconds(20), "--timeout");
    failure = http::retry_with_deadline(
        plan, [&](const http::Attempt& a) -> std::optional<http::AttemptFailed> {
            CHECK(a.timeout <= milliseconds(20000));
            CHECK(a.timeout > milliseconds(0));
            return std::nullopt;
        });
    CHECK_FALSE(failure);
}

TEST_CASE("a transport error loses its URL: the caller names it once", "[http]") {
    http::TransportError e("https://h.example/x: Connection refused", true);
    http::AttemptFailed f = http::failed_transport(e);
    CHECK(f.problem == "Connection refused");
    CHECK(f.retryable);
}
