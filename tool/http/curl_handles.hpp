#pragma once
// Owning handles for the libcurl objects cipolicy uses (the pattern of crypto/ossl.hpp), and the
// one-time global initialisation libcurl requires before any thread uses it.

#include <curl/curl.h>

#include <memory>

namespace cipolicy::http {

template <auto Free>
struct CurlDeleter {
    template <typename T>
    void operator()(T* p) const noexcept {
        Free(p);
    }
};

using EasyPtr = std::unique_ptr<CURL, CurlDeleter<curl_easy_cleanup>>;
using SlistPtr = std::unique_ptr<curl_slist, CurlDeleter<curl_slist_free_all>>;
using UrlPtr = std::unique_ptr<CURLU, CurlDeleter<curl_url_cleanup>>;

// curl_global_init is not thread-safe; call this before the first handle (it runs once).
void ensure_curl_initialized();

// A new easy handle; throws Error(internal) when libcurl cannot allocate one.
EasyPtr new_easy();

// Appends `line` to a header list that may be empty; throws on allocation failure.
void append_header(SlistPtr& list, const std::string& line);

}  // namespace cipolicy::http
