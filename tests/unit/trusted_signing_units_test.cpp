// Pure functions of the Trusted Signing client: retry delays, encodings, endpoint handling and the
// Az parameter spellings. The network parts are tested end to end against the mock service.
#include <catch2/catch.hpp>

#include "cli/az_aliases.hpp"
#include "core/error.hpp"
#include "http/encoding.hpp"
#include "http/retry.hpp"
#include "trusted_signing/poll_schedule.hpp"
#include "trusted_signing/service_config.hpp"

using namespace cipolicy;

TEST_CASE("server retry delay: milliseconds headers win over Retry-After") {
    http::Response r;
    r.headers["retry-after"] = "7";
    CHECK(http::server_retry_delay(r) == std::chrono::milliseconds(7000));
    r.headers["x-ms-retry-after-ms"] = "250";
    CHECK(http::server_retry_delay(r) == std::chrono::milliseconds(250));
    r.headers["retry-after-ms"] = "120";
    CHECK(http::server_retry_delay(r) == std::chrono::milliseconds(120));
}

TEST_CASE("server retry delay: HTTP date in the past is zero, garbage is ignored") {
    http::Response r;
    r.headers["retry-after"] = "Wed, 21 Oct 2015 07:28:00 GMT";
    CHECK(http::server_retry_delay(r) == std::chrono::milliseconds(0));
    r.headers["retry-after"] = "soon";
    CHECK_FALSE(http::server_retry_delay(r).has_value());
    r.headers["retry-after"] = "-3";
    CHECK_FALSE(http::server_retry_delay(r).has_value());
}

TEST_CASE("backoff grows, is capped and jittered") {
    http::Backoff b;
    for (int attempt = 2; attempt < 20; ++attempt) {
        auto d = b.delay(attempt);
        CHECK(d <= b.cap);
        CHECK(d >= std::min(b.base * (1 << std::min(attempt - 2, 10)), b.cap) / 2);
    }
    CHECK(http::retryable_status(429));
    CHECK(http::retryable_status(408));
    CHECK_FALSE(http::retryable_status(403));
    CHECK_FALSE(http::retryable_status(501));
}

TEST_CASE("base64 round trips and tolerates MIME line breaks") {
    Bytes data{0, 1, 2, 250, 251, 252, 253};
    std::string text = http::base64_encode(data);
    CHECK(text == "AAEC+vv8/Q==");
    CHECK(http::base64_decode("AAEC\r\n+vv8\r\n/Q==") == data);
    CHECK(http::base64url_encode(data) == "AAEC-vv8_Q");
    CHECK_FALSE(http::base64_decode("AA*A").has_value());
    CHECK(http::url_escape("a b/c") == "a%20b%2Fc");
    CHECK(http::random_uuid().size() == 36);
}

TEST_CASE("endpoints: trailing slashes go, https is required, foreign hosts warn") {
    CHECK(trusted_signing::normalize_endpoint("https://eus.codesigning.azure.net//", "x") ==
          "https://eus.codesigning.azure.net");
    CHECK_THROWS_AS(trusted_signing::normalize_endpoint("http://eus.codesigning.azure.net", "x"),
                    Error);
    CHECK(trusted_signing::endpoint_warning("https://eus.codesigning.azure.net").empty());
    CHECK(trusted_signing::endpoint_warning("https://weu.artifactsigning.azure.net").empty());
    CHECK_FALSE(
        trusted_signing::endpoint_warning("https://codesigning.azure.net.evil.com").empty());
    CHECK_FALSE(trusted_signing::endpoint_warning("https://127.0.0.1:8443").empty());
}

TEST_CASE("Az parameter spellings map onto cipolicy options") {
    cli::Args in{"-Path",   "p.bin",        "-AccountName:acct", "--ProfileName",
                 "prof",    "-ENDPOINTURL", "https://x",         "-Destination",
                 "out.cip", "-o",           "--account",         "a"};
    cli::Args expected{"p.bin",     "--account", "acct",    "--profile", "prof",      "--endpoint",
                       "https://x", "--output",  "out.cip", "-o",        "--account", "a"};
    CHECK(cli::map_az_aliases(in) == expected);
}

namespace {
// The waits of a schedule fed `answers`, each answered `rtt` after it was sent, as milliseconds
// from that answer to the next poll.
std::vector<long long> poll_waits(const std::vector<http::Response>& answers,
                                  std::chrono::milliseconds rtt) {
    trusted_signing::PollSchedule s;
    auto sent = trusted_signing::PollSchedule::Clock::time_point{};
    std::vector<long long> waits;
    for (const auto& a : answers) {
        auto answered = sent + rtt;
        auto when = s.next(a, sent, answered);
        waits.push_back(
            std::chrono::duration_cast<std::chrono::milliseconds>(when - answered).count());
        sent = std::max(when, answered);
    }
    return waits;
}
}  // namespace

TEST_CASE("poll schedule: own intervals double to a cap, from one poll's start to the next") {
    using std::chrono::milliseconds;
    std::vector<http::Response> quiet(9);
    CHECK(poll_waits(quiet, milliseconds(0)) ==
          std::vector<long long>{50, 100, 200, 400, 800, 1600, 3000, 3000, 3000});
    // A 150 ms round trip counts towards the interval: no wait while it is the longer.
    CHECK(poll_waits(std::vector<http::Response>(4), milliseconds(150)) ==
          std::vector<long long>{0, 0, 50, 250});
}

TEST_CASE(
    "poll schedule: the service's latest request holds, from its answer, until it asks again") {
    using std::chrono::milliseconds;
    http::Response asked, quiet, shorter;
    asked.headers["retry-after"] = "1";
    shorter.headers["retry-after-ms"] = "150";
    // The 202 asks for 1 s; polls that repeat nothing still wait 1 s (own: 100, 200, 400, 800 ms),
    // and a round trip does not shorten it; then our own interval is the longer.
    CHECK(poll_waits({asked, quiet, quiet, quiet, quiet, quiet}, milliseconds(100)) ==
          std::vector<long long>{1000, 1000, 1000, 1000, 1000, 1500});
    // A newer, shorter request replaces the older one.
    CHECK(poll_waits({asked, shorter, quiet, quiet}, milliseconds(0)) ==
          std::vector<long long>{1000, 150, 200, 400});
}
