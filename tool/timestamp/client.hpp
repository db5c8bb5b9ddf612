#pragma once
// Asking RFC 3161 servers for a timestamp: an ordered list of servers, retries per server, a
// concurrency limit of its own (TSAs throttle independently of the signing service), and a reply
// that is fully checked before anyone embeds it.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "crypto/certificate.hpp"
#include "timestamp/token.hpp"

namespace cipolicy::timestamp {

namespace detail {
struct HttpReply;
}

// Microsoft's public RFC 3161 server, the default for Trusted Signing (plain HTTP is normal for
// TSAs: the reply is itself signed).
inline constexpr const char* kMicrosoftTsaUrl = "http://timestamp.acs.microsoft.com";

struct ClientOptions {
    std::vector<std::string> urls;               // tried in order
    int retries = 2;                             // extra attempts per server
    std::chrono::milliseconds retry_wait{1000};  // doubled after each retry
    std::chrono::milliseconds timeout{30000};    // per request
    std::vector<Certificate> roots;              // --timestamp-root: the TSA must chain here
    int concurrency = 4;                         // requests in flight at once
};

class Client {
  public:
    explicit Client(ClientOptions options);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // A checked token for `signature_value` of a signature made by `signer`. Throws
    // Error(timestamp) with one line naming every server and why it failed.
    TokenInfo timestamp(ByteView signature_value, const Certificate& signer);

    const ClientOptions& options() const { return options_; }

  private:
    struct Limiter;
    detail::HttpReply limited_post(const std::string& url, const Bytes& request);
    ClientOptions options_;
    std::unique_ptr<Limiter> limiter_;
};

}  // namespace cipolicy::timestamp
