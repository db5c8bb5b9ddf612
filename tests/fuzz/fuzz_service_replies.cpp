// What a signing service or token endpoint sends back: error bodies (both API generations), token
// answers, the doubly encoded signingCertificate and every Retry-After form. The first byte picks
// the status, the rest is the body; the body also serves as each retry header's value.
#include <chrono>

#include "credentials/entra_token.hpp"
#include "fuzz_support.hpp"
#include "http/retry.hpp"
#include "trusted_signing/service_errors.hpp"
#include "trusted_signing/signing_result.hpp"

using namespace cipolicy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    static const long statuses[] = {200, 400, 401, 403, 404, 429, 500, 503};
    http::Response response;
    response.status = statuses[data[0] % 8];
    response.body = fuzz::as_text(data + 1, size - 1);

    trusted_signing::ServiceConfig config;
    config.account = "account";
    config.profile = "profile";
    config.correlation_id = "correlation";
    fuzz::check_message(trusted_signing::service_message(response));
    fuzz::check_message(
        trusted_signing::error_for_response(response, "https://x.test/sign", config, "op").what());

    fuzz::expect_error_or_success([&] {
        const auto token = credentials::parse_token_response(response, "https://login.test");
        // The expiry must be a sane time whatever the answer said (no overflow on the way).
        const auto now = std::chrono::system_clock::now();
        if (token.expires_on < now - std::chrono::hours(24 * 8) ||
            token.expires_on > now + std::chrono::hours(24 * 8))
            std::abort();
    });
    fuzz::expect_error_or_success(
        [&] { trusted_signing::decode_signing_certificate(response.body, "signingCertificate"); });

    for (const char* header : {"retry-after", "retry-after-ms", "x-ms-retry-after-ms"}) {
        http::Response retry;
        retry.headers[header] = response.body;
        const auto delay = http::server_retry_delay(retry);
        if (delay && (delay->count() < 0 || *delay > http::kMaxServerDelay)) std::abort();
    }
    return 0;
}
