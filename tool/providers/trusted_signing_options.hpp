#pragma once
// The Trusted Signing settings (metadata, endpoint/account/profile, API version, correlation id,
// and the shared azure.* credential and timeouts) turned into the options of one service session:
// for signing (the registry's row) and for the commands that ask the profile (root-cert, eku).

#include "config/settings.hpp"
#include "trusted_signing/session.hpp"

namespace cipolicy::providers {

// Metadata file values under explicit ones; the correlation id from the settings, then metadata
// CorrelationId, then a new UUID. Throws Error(usage) naming what is missing.
trusted_signing::SessionOptions session_options(const config::Settings& s);

}  // namespace cipolicy::providers
