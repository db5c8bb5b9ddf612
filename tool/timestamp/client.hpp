#pragma once
// Asking RFC 3161 servers for a timestamp: an ordered list of servers, retries per server, a
// concurrency limit of its own (TSAs throttle independently of the signing service), and a reply
// that is fully checked before anyone embeds it. Requests go through http::Client, so they get the
// same TLS verification, CA file, proxy variables and connect timeout as every other request.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "crypto/certificate.hpp"
#include "http/client.hpp"
#include "timestamp/token.hpp"

namespace cipolicy::timestamp {

// Microsoft's public RFC 3161 server, the default for Trusted Signing (plain HTTP is normal for
// TSAs: the reply is itself signed).
inline constexpr const char* kMicrosoftTsaUrl = "http://timestamp.acs.microsoft.com";

// The longest Retry-After a TSA is obeyed for; a server asking longer is asked again after this.
inline constexpr std::chrono::milliseconds kMaxTsaServerDelay = std::chrono::seconds(60);

struct TsaClientOptions {
    std::vector<std::string> urls;               // tried in order
    int retries = 2;                             // extra attempts per server
    std::chrono::milliseconds retry_wait{1000};  // before the first retry, doubled after each
    std::chrono::milliseconds timeout{30000};    // per request
    std::vector<crypto::Certificate> roots;      // --timestamp-root: the TSA must chain here
    int concurrency = 4;                         // requests in flight at once
    http::ClientOptions http;                    // CA file and connect timeout
};

class TsaClient {
  public:
    // Throws Error(usage) when the CA file (http.ca_file or the environment) does not exist.
    explicit TsaClient(TsaClientOptions options);
    ~TsaClient();
    TsaClient(const TsaClient&) = delete;
    TsaClient& operator=(const TsaClient&) = delete;

    // A checked token for `signature_value` of a signature made by `signer`. Throws
    // Error(timestamp) with one line naming every server and why it failed.
    TokenInfo timestamp(ByteView signature_value, const crypto::Certificate& signer);

    const TsaClientOptions& options() const { return options_; }

  private:
    struct Limiter;
    http::Response limited_post(const std::string& url, const Bytes& request,
                                std::chrono::milliseconds timeout);
    TsaClientOptions options_;
    http::Client http_;
    std::unique_ptr<Limiter> limiter_;
};

}  // namespace cipolicy::timestamp
