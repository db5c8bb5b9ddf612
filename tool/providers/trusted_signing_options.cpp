#include "providers/trusted_signing_options.hpp"

#include "core/error.hpp"
#include "core/setting_name.hpp"
#include "http/encoding.hpp"
#include "providers/openers.hpp"
#include "trusted_signing/metadata.hpp"
#include "trusted_signing/trusted_signing_signer.hpp"

namespace cipolicy::providers {
namespace ts = trusted_signing;

std::chrono::milliseconds milliseconds(const std::optional<double>& seconds,
                                       std::chrono::milliseconds fallback) {
    if (!seconds) return fallback;
    return std::chrono::milliseconds(static_cast<long long>(*seconds * 1000));
}

ts::SessionOptions session_options(const config::Settings& s) {
    ts::SessionOptions o;
    const config::TrustedSigningSettings& t = s.trusted_signing;
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
    if (t.api_version) o.service.api_version = *t.api_version;
    if (t.correlation_id)
        o.service.correlation_id = *t.correlation_id;
    else if (meta && meta->correlation_id)
        o.service.correlation_id = *meta->correlation_id;
    else
        o.service.correlation_id = http::random_uuid();
    o.service.deadline = milliseconds(s.azure.timeout, o.service.deadline);
    o.service.request_timeout = milliseconds(s.azure.request_timeout, o.service.request_timeout);
    o.http.ca_file = s.http.ca_file;
    o.credential.cache_dir = s.http.cache_dir;
    o.credential.type = s.azure.credential.value_or("default");
    o.credential.access_token_file = s.azure.access_token_file;
    o.credential.deadline = o.service.deadline;
    o.credential.request_timeout = o.service.request_timeout;
    o.credential.deadline_setting = setting_name("azure.timeout");
    if (meta) o.credential.exclude = meta->exclude_credentials;
    return o;
}

std::unique_ptr<signing::Signer> open_trusted_signing(const config::Settings& s,
                                                      const Notices& notices) {
    ts::SessionOptions options = session_options(s);
    options.credential.cache_notice = notices.detail;
    if (auto w = ts::endpoint_warning(options.service.endpoint); !w.empty() && notices.warn)
        notices.warn(w);
    return std::make_unique<ts::TrustedSigningSigner>(std::move(options));
}

}  // namespace cipolicy::providers
