#include "cli/timestamp_options.hpp"

#include "core/error.hpp"

namespace cipolicy::cli {

po::options_description timestamp_options() {
    po::options_description opts("Timestamping (RFC 3161)");
    opts.add_options()("timestamp-url", po::value<std::vector<std::string>>()->composing(),
                       "timestamp server; repeat for fallbacks, tried in order")(
        "timestamp-root", po::value<std::vector<std::string>>()->composing(),
        "require the timestamp's signer to chain to this root (repeatable)")(
        "timestamp-retries", po::value<int>()->default_value(2), "extra attempts per server")(
        "timestamp-retry-wait", po::value<double>()->default_value(1.0),
        "seconds before the first retry (doubled each time)")(
        "timestamp-timeout", po::value<double>()->default_value(30.0), "seconds per request")(
        "timestamp-jobs", po::value<int>()->default_value(4),
        "timestamp requests in flight at once (TSAs throttle on their own)")(
        "timestamp-optional",
        "if every server fails, write the file without a timestamp (warning)")(
        "no-timestamp", "do not timestamp, even where it is the default");
    return opts;
}

std::unique_ptr<timestamp::TsaClient> make_timestamp_client(const po::variables_map& vm,
                                                            const Settings& settings,
                                                            const std::string& default_url) {
    if (vm.count("no-timestamp")) return nullptr;
    timestamp::TsaClientOptions o;
    if (vm.count("timestamp-url"))
        o.urls = vm["timestamp-url"].as<std::vector<std::string>>();
    else if (settings.timestamp_urls)
        o.urls = *settings.timestamp_urls;
    else if (!default_url.empty())
        o.urls = {default_url};
    if (o.urls.empty()) return nullptr;
    for (const auto& url : o.urls)
        if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
            throw Error(ExitCode::usage,
                        "--timestamp-url " + url + ": must be an http:// or https:// URL");
    o.retries = vm["timestamp-retries"].as<int>();
    double wait = vm["timestamp-retry-wait"].as<double>();
    double timeout = vm["timestamp-timeout"].as<double>();
    if (o.retries < 0 || wait < 0 || timeout <= 0)
        throw Error(ExitCode::usage,
                    "--timestamp-retries/-retry-wait/-timeout must not be negative");
    o.retry_wait = std::chrono::milliseconds(static_cast<long long>(wait * 1000));
    o.timeout = std::chrono::milliseconds(static_cast<long long>(timeout * 1000));
    o.concurrency = vm["timestamp-jobs"].as<int>();
    // The same TLS trust as the signing service: `sign` declares --ca-file (`timestamp` does not,
    // and uses CURL_CA_BUNDLE / SSL_CERT_FILE / the system store, as every request does).
    if (vm.count("ca-file")) o.http.ca_file = vm["ca-file"].as<std::string>();
    if (vm.count("timestamp-root"))
        for (const auto& file : vm["timestamp-root"].as<std::vector<std::string>>())
            for (auto& c : load_certificates(file)) o.roots.push_back(std::move(c));
    return std::make_unique<timestamp::TsaClient>(std::move(o));
}

}  // namespace cipolicy::cli
