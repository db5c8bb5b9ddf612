// libcurl, loaded when the first network request needs it (Linux, macOS). Linking it pulls some
// 30 shared libraries into every process (LDAP, Kerberos, SSH, GnuTLS...), which costs a local
// `sign`, `compile` or `verify` more start-up time than its own work. So the executable is not
// linked against libcurl: this file defines the libcurl functions cipolicy calls, and the first
// of them to run loads libcurl.so.4 (libcurl.4.dylib) and binds them all. The rest of the code
// includes <curl/curl.h> and calls libcurl as usual. A libcurl function used elsewhere but
// missing here fails the link, never a run. Windows links libcurl statically and skips this file.
#if defined(CIPOLICY_LAZY_CURL)

#define CURL_DISABLE_TYPECHECK  // the definitions below would clash with its checking macros
#include <curl/curl.h>

#include <cstdarg>
#include <mutex>
#include <string>

#include "core/error.hpp"
#include "platform/shared_library.hpp"

namespace {

#if defined(__APPLE__)
constexpr const char* kLibrary = "libcurl.4.dylib";
#else
constexpr const char* kLibrary = "libcurl.so.4";
#endif

// The functions cipolicy calls: one line here and one definition below per function.
struct Table {
    CURLcode (*global_init)(long);
    CURL* (*easy_init)();
    void (*easy_cleanup)(CURL*);
    void (*easy_reset)(CURL*);
    CURLcode (*easy_perform)(CURL*);
    CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
    const char* (*easy_strerror)(CURLcode);
    curl_slist* (*slist_append)(curl_slist*, const char*);
    void (*slist_free_all)(curl_slist*);
    void (*url_cleanup)(CURLU*);
    curl_version_info_data* (*version_info)(CURLversion);
};

template <typename F>
void bind(void* lib, F& slot, const char* name) {
    void* symbol = cipolicy::platform::library_symbol(lib, name);
    if (!symbol)
        throw cipolicy::Error(cipolicy::ExitCode::service,
                              std::string(kLibrary) + " has no " + name +
                                  "; install libcurl 7.85 or later (Debian: libcurl4)");
    slot = reinterpret_cast<F>(symbol);
}

// Loaded once, by whichever thread asks first; a failure is reported to every caller.
const Table& curl() {
    static Table table;
    static std::once_flag once;
    std::call_once(once, [] {
        std::string why;
        void* lib = cipolicy::platform::open_library(kLibrary, why);
        if (!lib) {
            throw cipolicy::Error(cipolicy::ExitCode::service,
                                  std::string(kLibrary) + " could not be loaded (" + why +
                                      "): network access (Trusted Signing, timestamps) needs "
                                      "libcurl; install it (Debian: apt install libcurl4)");
        }
        Table t{};
        bind(lib, t.global_init, "curl_global_init");
        bind(lib, t.easy_init, "curl_easy_init");
        bind(lib, t.easy_cleanup, "curl_easy_cleanup");
        bind(lib, t.easy_reset, "curl_easy_reset");
        bind(lib, t.easy_perform, "curl_easy_perform");
        bind(lib, t.easy_setopt, "curl_easy_setopt");
        bind(lib, t.easy_getinfo, "curl_easy_getinfo");
        bind(lib, t.easy_strerror, "curl_easy_strerror");
        bind(lib, t.slist_append, "curl_slist_append");
        bind(lib, t.slist_free_all, "curl_slist_free_all");
        bind(lib, t.url_cleanup, "curl_url_cleanup");
        bind(lib, t.version_info, "curl_version_info");
        table = t;
    });
    return table;
}

}  // namespace

extern "C" {

CURLcode curl_global_init(long flags) {
    return curl().global_init(flags);
}

CURL* curl_easy_init() {
    return curl().easy_init();
}

void curl_easy_cleanup(CURL* h) {
    curl().easy_cleanup(h);
}

void curl_easy_reset(CURL* h) {
    curl().easy_reset(h);
}

curl_version_info_data* curl_version_info(CURLversion age) {
    return curl().version_info(age);
}

CURLcode curl_easy_perform(CURL* h) {
    return curl().easy_perform(h);
}

// curl.h fixes these signatures with an enum as the last named parameter, which clang's -Wvarargs
// flags (an enum may promote); libcurl's own setopt.c and getinfo.c call va_start on the same
// parameter, and CURLoption/CURLINFO are int-sized on every ABI curl supports.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wvarargs"
#endif

// Every option takes one argument whose type its number says (libcurl reads it the same way):
// a long, a data pointer (string, list, object), a callback, a curl_off_t or a blob pointer.
CURLcode curl_easy_setopt(CURL* h, CURLoption option, ...) {
    std::va_list args;
    va_start(args, option);
    CURLcode rc;
    if (option < CURLOPTTYPE_OBJECTPOINT)
        rc = curl().easy_setopt(h, option, va_arg(args, long));
    else if (option < CURLOPTTYPE_FUNCTIONPOINT)
        rc = curl().easy_setopt(h, option, va_arg(args, void*));
    else if (option < CURLOPTTYPE_OFF_T)
        rc = curl().easy_setopt(h, option, va_arg(args, void (*)()));
    else if (option < CURLOPTTYPE_BLOB)
        rc = curl().easy_setopt(h, option, va_arg(args, curl_off_t));
    else
        rc = curl().easy_setopt(h, option, va_arg(args, void*));
    va_end(args);
    return rc;
}

// Every query takes one pointer to where the answer goes.
CURLcode curl_easy_getinfo(CURL* h, CURLINFO info, ...) {
    std::va_list args;
    va_start(args, info);
    void* out = va_arg(args, void*);
    va_end(args);
    return curl().easy_getinfo(h, info, out);
}

#if defined(__clang__)
#pragma clang diagnostic pop
#endif

const char* curl_easy_strerror(CURLcode code) {
    return curl().easy_strerror(code);
}

curl_slist* curl_slist_append(curl_slist* list, const char* line) {
    return curl().slist_append(list, line);
}

void curl_slist_free_all(curl_slist* list) {
    curl().slist_free_all(list);
}

void curl_url_cleanup(CURLU* u) {
    curl().url_cleanup(u);
}

}  // extern "C"

#endif  // CIPOLICY_LAZY_CURL
