#include "http/client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>

#include "core/setting_name.hpp"
#include "http/curl_handles.hpp"
#include "platform/system_ca.hpp"

namespace cipolicy::http {
namespace fs = std::filesystem;

namespace {

struct BodySink {
    std::string* body;
    std::size_t max;
    bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* sink = static_cast<BodySink*>(user);
    if (size * count > sink->max - sink->body->size()) {
        sink->too_large = true;
        return 0;  // makes curl stop with CURLE_WRITE_ERROR
    }
    sink->body->append(data, size * count);
    return size * count;
}

// Headers are bounded too: curl 7.x caps each line, not their number.
constexpr std::size_t kMaxHeaderBytes = 256 * 1024;

struct HeaderSink {
    Response* response;
    std::size_t bytes = 0;
    bool too_large = false;
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* sink = static_cast<HeaderSink*>(user);
    auto* response = sink->response;
    sink->bytes += size * count;
    if (sink->bytes > kMaxHeaderBytes) {
        sink->too_large = true;
        return 0;
    }
    std::string line(data, size * count);
    // A new status line (after a redirect or "100 Continue") starts a fresh set of headers.
    if (line.rfind("HTTP/", 0) == 0) response->headers.clear();
    auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::string value = line.substr(colon + 1);
        auto first = value.find_first_not_of(" \t");
        auto last = value.find_last_not_of(" \t\r\n");
        value = first == std::string::npos ? "" : value.substr(first, last - first + 1);
        response->headers[name] = value;
    }
    return size * count;
}

// Whether retrying could possibly help after `code`.
bool transient(CURLcode code) {
    switch (code) {
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_OUT_OF_MEMORY:
            return false;
        default:
            return true;
    }
}

std::string hint_for(CURLcode code) {
    switch (code) {
        case CURLE_PEER_FAILED_VERIFICATION:
            return " (the server's TLS certificate is not trusted: give its CA with " +
                   setting_name("http.ca-file") + ", or fix the system store)";
        case CURLE_SSL_CACERT_BADFILE:
            return " (the CA file could not be read: check " + setting_name("http.ca-file") +
                   ", CURL_CA_BUNDLE, SSL_CERT_FILE)";
        case CURLE_OPERATION_TIMEDOUT:
            return " (no answer in time)";
        case CURLE_COULDNT_RESOLVE_HOST:
            return " (check the host name and the network or proxy settings)";
        default:
            return "";
    }
}

// The URL without its query, for messages (a query never carries secrets here, but stays short).
std::string url_for_message(const std::string& url) {
    return url.substr(0, url.find('?'));
}

// Whether libcurl was built with a CA bundle or folder of its own (a distribution's libcurl; not
// the one of the static release executables, nor Schannel's, which uses the Windows store).
bool curl_has_ca_location() {
#if defined(__linux__)
    const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
    return info->cainfo != nullptr || info->capath != nullptr;
#else
    return true;
#endif
}

}  // namespace

std::string Response::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

std::optional<fs::path> effective_ca_file(const ClientOptions& options) {
    if (options.ca_file) return options.ca_file;
    for (const char* name : {"CURL_CA_BUNDLE", "SSL_CERT_FILE"})
        if (const char* v = std::getenv(name); v && *v) return fs::path(v);
    return std::nullopt;
}

struct Client::Pool {
    EasyPtr acquire() {
        {
            std::lock_guard lock(mutex);
            if (!idle.empty()) {
                EasyPtr easy = std::move(idle.back());
                idle.pop_back();
                return easy;
            }
        }
        return new_easy();
    }
    void release(EasyPtr easy) {
        std::lock_guard lock(mutex);
        idle.push_back(std::move(easy));
    }
    std::mutex mutex;
    std::vector<EasyPtr> idle;
};

Client::Client(ClientOptions options)
    : options_(std::move(options)), pool_(std::make_unique<Pool>()) {
    ensure_curl_initialized();
    if (auto ca = effective_ca_file(options_)) {
        std::error_code ec;
        if (!fs::is_regular_file(*ca, ec))
            throw Error(ExitCode::usage,
                        ca->string() + ": CA file not found (from " + setting_name("http.ca-file") +
                            ", CURL_CA_BUNDLE or SSL_CERT_FILE); give an existing PEM bundle");
        ca_file_ = ca->string();
    } else if (!curl_has_ca_location()) {
        // The static release executables' libcurl knows no CA location: the system's (Go's list).
        platform::SystemCa system = platform::find_system_ca();
        if (system.file) ca_file_ = system.file->string();
        if (system.directory) ca_dir_ = system.directory->string();
    }
}

Client::~Client() = default;

std::string Client::user_agent() {
    return std::string("cipolicy/") + CIPOLICY_VERSION;
}

Response Client::perform(const Request& request) {
    EasyPtr easy = pool_->acquire();
    CURL* h = easy.get();
    // Reset clears the previous request's options but keeps the handle's connection cache.
    curl_easy_reset(h);
    Response response;
    SlistPtr headers;
    for (const auto& line : request.headers) append_header(headers, line);
    if (request.method == "POST" && request.body.empty())
        append_header(headers, "Content-Length: 0");
    append_header(headers, "Expect:");  // no "100 Continue" round trip for small bodies

    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (ca_file_) curl_easy_setopt(h, CURLOPT_CAINFO, ca_file_->c_str());
    if (ca_dir_) curl_easy_setopt(h, CURLOPT_CAPATH, ca_dir_->c_str());
    curl_easy_setopt(h, CURLOPT_USERAGENT, user_agent().c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // timeouts without signals: threads are safe
    curl_easy_setopt(
        h, CURLOPT_CONNECTTIMEOUT_MS,
        static_cast<long>(std::min(options_.connect_timeout, request.timeout).count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, request.max_redirects > 0 ? 1L : 0L);
    if (request.max_redirects > 0) {
        curl_easy_setopt(h, CURLOPT_MAXREDIRS, static_cast<long>(request.max_redirects));
        curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    }
    if (request.direct) curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    BodySink sink{&response.body, request.max_body};
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    HeaderSink header_sink{&response};
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &header_sink);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    // libcurl's own detail ("Operation timed out after 1000 milliseconds ...") for the message.
    char detail[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, detail);
    if (request.method == "POST") {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    CURLcode rc = curl_easy_perform(h);
    // The buffer is this frame's: the handle outlives it (in the pool, or freed after a throw).
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
    if (sink.too_large || header_sink.too_large)
        throw TransportError(
            url_for_message(request.url) + ": the answer" +
                (sink.too_large
                     ? " is larger than " + std::to_string(request.max_body >> 20) + " MB"
                     : "'s headers are larger than 256 KB") +
                ", far more than any real answer; check the URL",
            false);
    if (rc != CURLE_OK) {
        // A handle whose transfer failed may hold a broken connection: do not pool it.
        throw TransportError(url_for_message(request.url) + ": " +
                                 (*detail ? detail : curl_easy_strerror(rc)) + hint_for(rc),
                             transient(rc));
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    pool_->release(std::move(easy));
    return response;
}

}  // namespace cipolicy::http
