#include "platform/shared_library.hpp"

#ifndef _WIN32
#include <dlfcn.h>
#endif

namespace cipolicy::platform {

#ifndef _WIN32
void* open_library(const char* name, std::string& why) {
    // RTLD_LOCAL: the library's own dependencies stay out of the global symbol namespace.
    void* library = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char* reason = dlerror();
        why = reason ? reason : "unknown error";
    }
    return library;
}

void* library_symbol(void* library, const char* symbol) {
    return dlsym(library, symbol);
}
#else
// Windows links what it needs statically.
void* open_library(const char*, std::string& why) {
    why = "not supported on Windows";
    return nullptr;
}

void* library_symbol(void*, const char*) {
    return nullptr;
}
#endif

}  // namespace cipolicy::platform
