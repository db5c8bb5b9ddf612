#include "platform/shared_library.hpp"

#ifdef _WIN32
#include <windows.h>

#include <cwchar>
#include <string_view>
#else
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
namespace {

std::wstring wide(std::string_view s) {
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s.data(), static_cast<int>(s.size()),
                                nullptr, 0);
    std::wstring w(static_cast<std::size_t>(n > 0 ? n : 0), L'\0');
    if (n > 0)
        MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s.data(), static_cast<int>(s.size()),
                            w.data(), n);
    return w;
}

// "The specified module could not be found. (error 126)": the system's words, UTF-8, one line.
std::string describe(DWORD code) {
    wchar_t* text = nullptr;
    DWORD n = FormatMessageW(
        FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
        nullptr, code, 0, reinterpret_cast<wchar_t*>(&text), 0, nullptr);
    std::string out;
    if (n && text) {
        int size = WideCharToMultiByte(CP_UTF8, 0, text, static_cast<int>(n), nullptr, 0, nullptr,
                                       nullptr);
        out.resize(static_cast<std::size_t>(size > 0 ? size : 0));
        if (size > 0)
            WideCharToMultiByte(CP_UTF8, 0, text, static_cast<int>(n), out.data(), size, nullptr,
                                nullptr);
    }
    if (text) LocalFree(text);
    while (!out.empty() &&
           (out.back() == '\n' || out.back() == '\r' || out.back() == ' ' || out.back() == '.'))
        out.pop_back();
    for (char& c : out)
        if (c == '\r' || c == '\n') c = ' ';
    // "%1 is not a valid Win32 application": the insert is the file, named by the caller.
    if (auto at = out.find("%1"); at != std::string::npos) out.replace(at, 2, "the file");
    return (out.empty() ? "LoadLibrary failed" : out) + " (Windows error " + std::to_string(code) +
           ")";
}

}  // namespace

void* open_library(const char* name, std::string& why) {
    const std::wstring path = wide(name);
    if (path.empty()) {
        why = "the name is not valid UTF-8";
        return nullptr;
    }
    const bool bare = path.find_first_of(L"\\/:") == std::wstring::npos;
    // A path: its folder is searched for the library's own DLLs (vendors ship them beside the
    // module); a bare name: the executable's folder and System32 only.
    DWORD flags = LOAD_LIBRARY_SEARCH_DEFAULT_DIRS;
    if (!bare) flags |= LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR;
    // No "cannot find the DLL" dialog box: the tool never waits for a click.
    DWORD old_mode = 0;
    SetThreadErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX, &old_mode);
    HMODULE library = LoadLibraryExW(path.c_str(), nullptr, flags);
    const DWORD error = GetLastError();
    SetThreadErrorMode(old_mode, nullptr);
    if (!library) why = describe(error);
    return reinterpret_cast<void*>(library);
}

void* library_symbol(void* library, const char* symbol) {
    return reinterpret_cast<void*>(GetProcAddress(static_cast<HMODULE>(library), symbol));
}
#endif

}  // namespace cipolicy::platform
