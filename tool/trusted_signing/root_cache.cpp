#include "trusted_signing/root_cache.hpp"

namespace cipolicy::trusted_signing {

namespace {
// A root certificate changes rarely; an hour (an access token's usual life) keeps a build's
// copy from outliving the build by much.
constexpr std::chrono::hours kLifetime{1};
}  // namespace

std::optional<credentials::BuildCache> root_cache_of(const SessionOptions& options) {
    if (!options.credential.cache_dir) return std::nullopt;
    return credentials::BuildCache(*options.credential.cache_dir, options.credential.cache_notice);
}

Bytes root_certificate(ServiceClient& client, const std::optional<credentials::BuildCache>& cache) {
    if (!cache) return client.root_certificate();
    const ServiceConfig& c = client.config();
    std::string key = "endpoint=" + c.endpoint + "\naccount=" + c.account +
                      "\nprofile=" + c.profile + "\napi-version=" + c.api_version;
    credentials::CacheEntry e = cache->get("rootcert", key, std::chrono::seconds(0), [&] {
        Bytes der = client.root_certificate();
        return credentials::CacheEntry{std::string(der.begin(), der.end()),
                                       std::chrono::system_clock::now() + kLifetime};
    });
    return Bytes(e.value.begin(), e.value.end());
}

}  // namespace cipolicy::trusted_signing
