#include "timestamp/client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "core/quote.hpp"
#include "timestamp/request.hpp"

namespace cipolicy::timestamp {

namespace detail {
struct HttpReply {
    long status = 0;
    std::string content_type;
    Bytes body;
};
}  // namespace detail

namespace {

using detail::HttpReply;
using CurlPtr = std::unique_ptr<CURL, void (*)(CURL*)>;
using HeaderListPtr = std::unique_ptr<curl_slist, void (*)(curl_slist*)>;

// Real replies are a few KB; the cap keeps a hostile server from filling memory.
constexpr std::size_t kMaxReply = 4u << 20;

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
    auto* body = static_cast<Bytes*>(user);
    if (size * count > kMaxReply - body->size()) return 0;  // curl stops: CURLE_WRITE_ERROR
    body->insert(body->end(), data, data + size * count);
    return size * count;
}

// One POST of a TimeStampReq. Throws Error(timestamp) naming the URL on transport failure.
HttpReply post(const std::string& url, const Bytes& request, std::chrono::milliseconds timeout) {
    CurlPtr curl(curl_easy_init(), curl_easy_cleanup);
    HeaderListPtr headers(curl_slist_append(nullptr, "Content-Type: application/timestamp-query"),
                          curl_slist_free_all);
    headers.reset(curl_slist_append(headers.release(), "Accept: application/timestamp-reply"));
    HttpReply reply;
    char error[CURL_ERROR_SIZE] = "";
    std::string agent = std::string("cipolicy/") + CIPOLICY_VERSION;
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_POST, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, request.data());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(request.size()));
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, agent.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
    CURLcode rc = curl_easy_perform(curl.get());
    if (rc == CURLE_WRITE_ERROR)
        throw Error(ExitCode::timestamp, "the reply is larger than " +
                                             std::to_string(kMaxReply >> 20) +
                                             " MB, far more than any timestamp reply");
    if (rc != CURLE_OK) throw Error(ExitCode::timestamp, *error ? error : curl_easy_strerror(rc));
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &reply.status);
    char* type = nullptr;
    curl_easy_getinfo(curl.get(), CURLINFO_CONTENT_TYPE, &type);
    if (type) reply.content_type = type;
    return reply;
}

bool is_reply_type(std::string type) {
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    type = type.substr(0, type.find(';'));
    type.erase(std::remove(type.begin(), type.end(), ' '), type.end());
    // RFC 3161 names application/timestamp-reply; some servers send the older -response.
    return type == "application/timestamp-reply" || type == "application/timestamp-response";
}

}  // namespace

using detail::HttpReply;

struct Client::Limiter {
    explicit Limiter(int n) : free(std::max(1, n)) {}
    void acquire() {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return free > 0; });
        --free;
    }
    void release() {
        {
            std::lock_guard lock(mutex);
            ++free;
        }
        cv.notify_one();
    }
    std::mutex mutex;
    std::condition_variable cv;
    int free;
};

Client::Client(ClientOptions options)
    : options_(std::move(options)), limiter_(std::make_unique<Limiter>(options_.concurrency)) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

Client::~Client() = default;

HttpReply Client::limited_post(const std::string& url, const Bytes& request) {
    limiter_->acquire();
    struct Release {
        Limiter& l;
        ~Release() { l.release(); }
    } release{*limiter_};
    return post(url, request, options_.timeout);
}

TokenInfo Client::timestamp(ByteView signature_value, const Certificate& signer) {
    if (options_.urls.empty())
        throw Error(ExitCode::usage, "no timestamp server given (--timestamp-url URL)");
    std::string failures;
    for (const auto& url : options_.urls) {
        auto wait = options_.retry_wait;
        std::string last;
        for (int attempt = 0; attempt <= options_.retries; ++attempt) {
            if (attempt > 0) {
                std::this_thread::sleep_for(wait);
                wait *= 2;
            }
            Request request = make_request(signature_value);
            try {
                HttpReply reply = limited_post(url, request.der);
                if (reply.status != 200) {
                    last = "HTTP " + std::to_string(reply.status);
                    // 4xx other than throttling will not get better by asking again.
                    if (reply.status >= 400 && reply.status < 500 && reply.status != 408 &&
                        reply.status != 429)
                        break;
                    continue;
                }
                if (!is_reply_type(reply.content_type)) {
                    last = "unexpected content type " + quote(reply.content_type, 100) +
                           " (expected application/timestamp-reply)";
                    continue;
                }
                Bytes token = token_from_reply(reply.body, url);
                TokenExpectations expect{signature_value, &signer, request.nonce, options_.roots};
                TokenInfo info = check_token(token, expect, url);
                info.url = url;
                return info;
            } catch (const Error& e) {
                if (e.code() != ExitCode::timestamp) throw;
                // Checks name the URL already; transport errors do not.
                std::string what = e.what();
                last = what.rfind(url + ": ", 0) == 0 ? what.substr(url.size() + 2) : what;
            }
        }
        failures += (failures.empty() ? "" : "; ") + url + ": " + last;
    }
    throw Error(ExitCode::timestamp, "timestamping failed on every server: " + failures);
}

}  // namespace cipolicy::timestamp
