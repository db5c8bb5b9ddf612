#pragma once
// The profile's root certificate through the build cache (--build-cache): one request per build,
// keyed by endpoint, account, profile and API version.

#include <optional>

#include "core/bytes.hpp"
#include "credentials/build_cache.hpp"
#include "trusted_signing/service_client.hpp"
#include "trusted_signing/session.hpp"

namespace cipolicy::trusted_signing {

// The cache the session's options ask for, if any.
std::optional<credentials::BuildCache> root_cache_of(const SessionOptions& options);

// GET .../sign/rootcert, or the build's copy of its answer while that is fresh.
Bytes root_certificate(ServiceClient& client, const std::optional<credentials::BuildCache>& cache);

}  // namespace cipolicy::trusted_signing
