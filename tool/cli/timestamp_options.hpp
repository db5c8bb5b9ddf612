#pragma once
// The RFC 3161 client that resolved settings describe, shared by `sign` and `timestamp`.

#include <memory>
#include <string>

#include "config/settings.hpp"
#include "timestamp/client.hpp"

namespace cipolicy::cli {

// The client the settings' timestamp.* describe; null when no server is named or timestamping is
// turned off. `default_url` is used when nothing names a server (Trusted Signing's default).
std::unique_ptr<timestamp::TsaClient> make_timestamp_client(const config::Settings& settings,
                                                            const std::string& default_url = "");

}  // namespace cipolicy::cli
