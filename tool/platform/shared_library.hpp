#pragma once
// Loading a shared library at run time (Linux, macOS: dlopen), for what only some commands need
// (http/curl_loader.cpp). Libraries loaded here stay until the process ends.

#include <string>

namespace cipolicy::platform {

// The library's handle, or nullptr with the loader's reason in `why`.
void* open_library(const char* name, std::string& why);
// The address of `symbol` in `library`, or nullptr.
void* library_symbol(void* library, const char* symbol);

}  // namespace cipolicy::platform
