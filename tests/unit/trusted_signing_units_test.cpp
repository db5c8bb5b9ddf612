// Pure functions of the Trusted Signing client: retry delays, encodings, endpoint handling and the
// Az parameter spellings. The network parts are tested end to end against the mock service.
#include <catch2/catch.hpp>

#include "cli/az_aliases.hpp"
#include "core/error.hpp"
#include "http/encoding.hpp"
#include "http/retry.hpp"
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
