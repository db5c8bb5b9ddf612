#include "cli/service_options.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "http/encoding.hpp"
#include "trusted_signing/metadata.hpp"

namespace cipolicy::cli {
namespace ts = trusted_signing;

po::options_description service_options() {
    po::options_description opts("Trusted Signing");
    opts.add_options()("metadata", po::value<std::string>(),
                       "metadata.json with Endpoint, CodeSigningAccountName, "
                       "CertificateProfileName")(
        "endpoint", po::value<std::string>(),
        "the account's regional endpoint, e.g. https://eus.codesigning.azure.net")(
        "account", po::value<std::string>(), "code signing account name")(
        "profile", po::value<std::string>(), "certificate profile name")(
        "credential", po::value<std::string>(),
        "default, access-token, environment, client-secret, client-certificate, "
        "workload-identity, managed-identity or azure-cli")(
        "access-token-file", po::value<std::string>(),
        "file holding an access token (or set CIPOLICY_ACCESS_TOKEN)")(
        "api-version", po::value<std::string>(),
        "2022-06-15-preview (default), 2023-06-15-preview or 2024-06-15")(
        "ca-file", po::value<std::string>(),
        "CA bundle to verify the service's TLS certificate (default: CURL_CA_BUNDLE, "
        "SSL_CERT_FILE, the system store)")(
        "timeout", po::value<double>(),
        "seconds allowed per signed file, retries and polling included (default 300)")(
        "request-timeout", po::value<double>(), "seconds allowed per HTTP request (default 60)")(
        "correlation-id", po::value<std::string>(),
        "x-correlation-id for every request of the run (default: metadata CorrelationId, "
        "else a new UUID)");
    return opts;
}

void service_settings_from_command_line(const po::variables_map& vm, Settings& s) {
    auto str = [&](const char* name) -> std::optional<std::string> {
        if (!vm.count(name)) return std::nullopt;
        return vm[name].as<std::string>();
    };
    if (auto m = str("metadata")) s.trusted_signing.metadata = *m;
    s.trusted_signing.endpoint = str("endpoint");
    s.trusted_signing.account = str("account");
    s.trusted_signing.profile = str("profile");
    s.trusted_signing.credential = str("credential");
    if (s.trusted_signing.metadata || s.trusted_signing.endpoint)
        s.provider = Provider::trusted_signing;
}

bool wants_trusted_signing(const Settings& s) {
    if (s.provider) return *s.provider == Provider::trusted_signing;
    bool local = s.local.cert || s.local.key || s.local.pfx;
    return !local && (s.trusted_signing.metadata || s.trusted_signing.endpoint);
}

std::chrono::milliseconds seconds_option(const po::variables_map& vm, const char* name,
                                         std::chrono::milliseconds fallback) {
    if (!vm.count(name)) return fallback;
    double v = vm[name].as<double>();
    if (!(v > 0) || v > 86400)
        throw Error(ExitCode::usage,
                    std::string("--") + name + ": give a number of seconds between 0 and 86400");
    return std::chrono::milliseconds(static_cast<long long>(v * 1000));
}

ts::SessionOptions session_options(const Settings& s, const po::variables_map& vm) {
    ts::SessionOptions o;
    const TrustedSigningSettings& t = s.trusted_signing;
    std::optional<ts::Metadata> meta;
    if (t.metadata) meta = ts::read_metadata(*t.metadata);
    std::string endpoint = t.endpoint.value_or(meta ? meta->endpoint : "");
    o.service.account = t.account.value_or(meta ? meta->account : "");
    o.service.profile = t.profile.value_or(meta ? meta->profile : "");
    if (endpoint.empty() || o.service.account.empty() || o.service.profile.empty())
        throw Error(ExitCode::usage,
                    "Trusted Signing needs --endpoint, --account and --profile, or --metadata "
                    "FILE (or the trusted-signing: section of cipolicy.yaml)");
    o.service.endpoint = ts::normalize_endpoint(
        endpoint, t.endpoint ? "--endpoint" : t.metadata->string() + ": Endpoint");
    if (vm.count("api-version")) {
        o.service.api_version = vm["api-version"].as<std::string>();
        const auto& known = ts::supported_api_versions();
        if (std::find(known.begin(), known.end(), o.service.api_version) == known.end())
            throw Error(ExitCode::usage, "--api-version: '" + o.service.api_version +
                                             "' is not supported; use 2022-06-15-preview, "
                                             "2023-06-15-preview or 2024-06-15");
    }
    if (vm.count("correlation-id"))
        o.service.correlation_id = vm["correlation-id"].as<std::string>();
    else if (meta && meta->correlation_id)
        o.service.correlation_id = *meta->correlation_id;
    else
        o.service.correlation_id = http::random_uuid();
    o.service.deadline = seconds_option(vm, "timeout", o.service.deadline);
    o.service.request_timeout = seconds_option(vm, "request-timeout", o.service.request_timeout);
    if (vm.count("ca-file")) o.http.ca_file = vm["ca-file"].as<std::string>();
    o.credential.type = t.credential.value_or("default");
    if (vm.count("access-token-file"))
        o.credential.access_token_file = vm["access-token-file"].as<std::string>();
    if (meta) o.credential.exclude = meta->exclude_credentials;
    return o;
}

}  // namespace cipolicy::cli
