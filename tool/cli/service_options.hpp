#pragma once
// The Trusted Signing settings (metadata, endpoint/account/profile, credential, API version, CA
// file, timeouts, correlation id) turned into the options of one service session.

#include <chrono>
#include <optional>

#include "config/settings.hpp"
#include "trusted_signing/session.hpp"

namespace cipolicy::cli {

// Metadata file values under explicit ones; the correlation id from the settings, then metadata
// CorrelationId, then a new UUID. Throws Error(usage) naming what is missing.
trusted_signing::SessionOptions session_options(const config::Settings& s);

// A timeout setting (seconds), else `fallback`.
std::chrono::milliseconds milliseconds(const std::optional<double>& seconds,
                                       std::chrono::milliseconds fallback);

}  // namespace cipolicy::cli
