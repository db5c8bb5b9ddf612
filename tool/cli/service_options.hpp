#pragma once
// The options that reach Trusted Signing (--metadata, --endpoint/--account/--profile,
// --credential, --api-version, --ca-file, timeouts), resolved with cipolicy.yaml and CIPOLICY_*
// into the options of one service session.

#include "cli/options.hpp"
#include "config/settings.hpp"
#include "trusted_signing/session.hpp"

namespace cipolicy::cli {

po::options_description service_options();

// --timeout / --request-timeout style option `name` (seconds, 0 < v <= 86400), else `fallback`.
std::chrono::milliseconds seconds_option(const po::variables_map& vm, const char* name,
                                         std::chrono::milliseconds fallback);

// Copies --metadata, --endpoint, --account, --profile and --credential into `s`.
void service_settings_from_command_line(const po::variables_map& vm, Settings& s);

// Whether the settings choose Trusted Signing (explicitly, or by naming an endpoint or metadata
// without a local key).
bool wants_trusted_signing(const Settings& s);

// Metadata file values under explicit ones; the correlation id from --correlation-id, then
// metadata CorrelationId, then a new UUID. Throws Error(usage) naming what is missing.
trusted_signing::SessionOptions session_options(const Settings& s, const po::variables_map& vm);

}  // namespace cipolicy::cli
