#include "http/curl_handles.hpp"

#include <mutex>
#include <string>

#include "core/error.hpp"

namespace cipolicy::http {

void ensure_curl_initialized() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            throw Error(ExitCode::internal, "libcurl could not be initialized");
    });
}

EasyPtr new_easy() {
    ensure_curl_initialized();
    EasyPtr easy(curl_easy_init());
    if (!easy) throw Error(ExitCode::internal, "libcurl could not create a handle");
    return easy;
}

void append_header(SlistPtr& list, const std::string& line) {
    curl_slist* grown = curl_slist_append(list.get(), line.c_str());
    if (!grown) throw Error(ExitCode::internal, "out of memory building HTTP headers");
    // curl_slist_append returns the same head once the list exists; take ownership only once.
    if (!list) list.reset(grown);
}

}  // namespace cipolicy::http
