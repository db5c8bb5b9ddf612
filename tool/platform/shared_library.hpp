#pragma once
// Loading a shared library at run time (Linux, macOS: dlopen; Windows: LoadLibraryExW), for what
// only some commands need (http/curl_loader.cpp, a PKCS#11 module). Libraries loaded here stay
// until the process ends.

#include <string>

namespace cipolicy::platform {

// The library's handle, or nullptr with the loader's reason in `why`. `name` is UTF-8: a path,
// or a bare file name for the system's search (on Windows the executable's folder and System32
// only, never the current folder or PATH, where anyone could plant a DLL of that name).
void* open_library(const char* name, std::string& why);
// The address of `symbol` in `library`, or nullptr.
void* library_symbol(void* library, const char* symbol);

}  // namespace cipolicy::platform
