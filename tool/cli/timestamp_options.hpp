#pragma once
// The RFC 3161 options shared by `sign` and `timestamp`.

#include <memory>

#include "cli/options.hpp"
#include "config/settings.hpp"
#include "timestamp/client.hpp"

namespace cipolicy::cli {

po::options_description timestamp_options();

// The client the options (over the settings' timestamp.urls) describe; null when no server is
// named. `default_url` is used when nothing names a server (Trusted Signing's default).
std::unique_ptr<timestamp::TsaClient> make_timestamp_client(const po::variables_map& vm,
                                                            const Settings& settings,
                                                            const std::string& default_url = "");

}  // namespace cipolicy::cli
