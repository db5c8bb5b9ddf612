#pragma once
// Owning handles for the libcurl objects cipolicy uses, and the one-time global initialisation
// libcurl requires before any thread uses it. Internal to http/: nothing outside this folder
// includes libcurl (so that how libcurl is loaded stays this folder's business).

#include <curl/curl.h>

#include <string>

#include "core/handle.hpp"

namespace cipolicy::http {

using EasyPtr = Handle<CURL, curl_easy_cleanup>;
using SlistPtr = Handle<curl_slist, curl_slist_free_all>;

// curl_global_init is not thread-safe; call this before the first handle (it runs once).
void ensure_curl_initialized();

// A new easy handle; throws Error(internal) when libcurl cannot allocate one.
EasyPtr new_easy();

// Appends `line` to a header list that may be empty; throws on allocation failure.
void append_header(SlistPtr& list, const std::string& line);

}  // namespace cipolicy::http
