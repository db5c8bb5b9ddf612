#include "cli/timestamp_options.hpp"

namespace cipolicy::cli {

namespace {

std::chrono::milliseconds milliseconds(double seconds) {
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

}  // namespace

std::unique_ptr<timestamp::TsaClient> make_timestamp_client(const config::Settings& settings,
                                                            const std::string& default_url) {
    const config::TimestampSettings& t = settings.timestamp;
    if (t.disabled.value_or(false)) return nullptr;
    timestamp::TsaClientOptions o;
    if (t.urls)
        o.urls = *t.urls;
    else if (!default_url.empty())
        o.urls = {default_url};
    if (o.urls.empty()) return nullptr;
    o.retries = t.retries.value_or(o.retries);
    if (t.retry_wait) o.retry_wait = milliseconds(*t.retry_wait);
    if (t.timeout) o.timeout = milliseconds(*t.timeout);
    o.concurrency = t.jobs.value_or(o.concurrency);
    // The same TLS trust as the signing service (http.ca-file; `timestamp` takes it from the
    // configuration or CIPOLICY_CA_FILE, else CURL_CA_BUNDLE / SSL_CERT_FILE / the system store).
    o.http.ca_file = settings.http.ca_file;
    if (t.roots)
        for (const auto& file : *t.roots)
            for (auto& c : crypto::load_certificates(file)) o.roots.push_back(std::move(c));
    return std::make_unique<timestamp::TsaClient>(std::move(o));
}

}  // namespace cipolicy::cli
