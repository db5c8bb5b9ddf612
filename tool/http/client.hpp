#pragma once
// HTTPS requests over libcurl: TLS is always verified (the system store, or a CA file the user
// names), proxies come from the usual variables (libcurl reads them), every request has a timeout.
// Easy handles are pooled so that connections are reused across requests and threads.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace cipolicy::http {

// Service answers, token answers and timestamp replies are a few KB; 4 MB leaves ample room.
inline constexpr std::size_t kMaxResponseBody = 4u << 20;

struct Request {
    std::string method = "GET";  // GET or POST
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;
    std::chrono::milliseconds timeout{60000};  // the whole exchange
    bool direct = false;  // bypass proxies (the link-local IMDS address is never behind one)
    // The largest answer body taken (after decompression); a larger one fails the exchange
    // (not retried), so a hostile server cannot make the tool read until memory runs out.
    std::size_t max_body = kMaxResponseBody;
    // Redirects followed (http and https only); 0 = a redirect is returned as the answer.
    int max_redirects = 0;
};

struct Response {
    long status = 0;
    std::map<std::string, std::string> headers;  // names in lower case; the last value wins
    std::string body;
    std::string header(const std::string& lower_name) const;  // "" when absent
};

// No answer at all: connection refused or dropped, DNS, TLS, timeout. `retryable` is false for
// failures a retry cannot fix (certificate verification, a bad CA file, a malformed URL).
class TransportError : public Error {
  public:
    TransportError(std::string message, bool retryable)
        : Error(ExitCode::service, message), retryable_(retryable) {}
    bool retryable() const { return retryable_; }

  private:
    bool retryable_;
};

struct ClientOptions {
    // CA bundle for TLS verification. When absent: $CURL_CA_BUNDLE, then $SSL_CERT_FILE, then the
    // system store (libcurl's own location, else platform::find_system_ca). There is deliberately
    // no way to switch verification off.
    std::optional<std::filesystem::path> ca_file;
    std::chrono::milliseconds connect_timeout{20000};
    bool verbose = false;  // libcurl's own trace on stderr (never headers: they carry tokens)
};

// The CA file that will be used: ClientOptions::ca_file, or the variables above; nullopt = system.
std::optional<std::filesystem::path> effective_ca_file(const ClientOptions& options);

class Client {
  public:
    explicit Client(ClientOptions options);
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    ~Client();

    // Performs `request`. Any HTTP status is returned; throws TransportError without one.
    // Safe to call from several threads at once.
    Response perform(const Request& request);

    // "cipolicy/<version>".
    static std::string user_agent();

  private:
    struct Pool;  // idle libcurl handles, defined in client.cpp: this header needs no libcurl

    ClientOptions options_;
    std::optional<std::string> ca_file_;
    std::optional<std::string> ca_dir_;
    std::unique_ptr<Pool> pool_;
};

}  // namespace cipolicy::http
