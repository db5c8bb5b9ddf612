#include "pkcs11/module.hpp"

#include <utility>

#include "core/error.hpp"
#include "core/quote.hpp"
#include "platform/shared_library.hpp"

namespace cipolicy::pkcs11 {
namespace fs = std::filesystem;

namespace {

// A bare file name ("opensc-pkcs11.so") is looked up in the folder where the system keeps
// PKCS#11 modules (p11-kit's, on Linux; CMake finds it), then by the system's own search
// (Windows: the executable's folder and System32, never the current folder or PATH).
fs::path resolved(const fs::path& path) {
    std::error_code ec;
#ifdef CIPOLICY_PKCS11_MODULE_DIR
    if (!path.has_parent_path()) {
        fs::path in_dir = fs::path(CIPOLICY_PKCS11_MODULE_DIR) / path;
        if (fs::is_regular_file(in_dir, ec)) return in_dir;
    }
#endif
    // Absolute, so that Windows looks for the module's own DLLs beside it.
    if (path.has_parent_path()) return fs::absolute(path, ec);
    return path;
}

// Every entry cipolicy calls: a module that leaves one empty is refused here, not at the call.
bool complete(const CK_FUNCTION_LIST& f) {
    return f.C_Initialize && f.C_Finalize && f.C_GetInfo && f.C_GetSlotList && f.C_GetSlotInfo &&
           f.C_GetTokenInfo && f.C_OpenSession && f.C_CloseSession && f.C_Login && f.C_Logout &&
           f.C_FindObjectsInit && f.C_FindObjects && f.C_FindObjectsFinal &&
           f.C_GetAttributeValue && f.C_SignInit && f.C_Sign;
}

}  // namespace

Module::Module(const fs::path& path) : name_(path.string()) {
    if (path.empty())
        throw Error(ExitCode::usage,
                    "no PKCS#11 module: give the token's library with --pkcs11-module FILE (or "
                    "module-path= in the URI)");
    // Anything with a folder must exist, which gives a clearer line than the loader's message.
    std::error_code ec;
    if (path.has_parent_path() && !fs::is_regular_file(path, ec))
        throw Error(ExitCode::input, "PKCS#11 module " + quote(name_) +
                                         ": no such file (install the token's PKCS#11 library, "
                                         "e.g. softhsm2 or opensc, and give its path)");
    const std::string module = "PKCS#11 module " + quote(name_);
    std::string why;
    void* library = platform::open_library(resolved(path).string().c_str(), why);
    if (!library)
        throw Error(ExitCode::input, module + ": cannot be loaded: " + escaped(why) +
                                         " (give the token vendor's PKCS#11 library, built for "
                                         "this system and architecture)");
    auto get_list = reinterpret_cast<CK_C_GetFunctionList>(
        platform::library_symbol(library, "C_GetFunctionList"));
    if (!get_list)
        throw Error(ExitCode::input, module +
                                         ": not a PKCS#11 module (it has no C_GetFunctionList); "
                                         "give the token vendor's PKCS#11 library");
    if (CK_RV rv = get_list(&functions_); rv != CKR_OK || !functions_ || !complete(*functions_)) {
        functions_ = nullptr;
        throw Error(ExitCode::input, module + ": C_GetFunctionList gave no usable function list" +
                                         (rv != CKR_OK ? " (" + rv_text(rv) + ")" : std::string()) +
                                         "; give the token vendor's PKCS#11 library");
    }
    // The module may use threads and the OS's locks; cipolicy calls it from one thread at a time.
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = functions_->C_Initialize(&args);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        functions_ = nullptr;
        throw Error(ExitCode::input, module + ": C_Initialize failed: " + rv_text(rv));
    }
    finalize_ = rv == CKR_OK;
}

Module::~Module() {
    if (functions_ && finalize_) functions_->C_Finalize(nullptr);
}

std::string rv_name(CK_RV rv) {
    static const std::pair<CK_RV, const char*> names[] = {
        {CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT"},
        {CKR_PIN_INVALID, "CKR_PIN_INVALID"},
        {CKR_PIN_LEN_RANGE, "CKR_PIN_LEN_RANGE"},
        {CKR_PIN_LOCKED, "CKR_PIN_LOCKED"},
        {CKR_PIN_EXPIRED, "CKR_PIN_EXPIRED"},
        {CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"},
        {CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED"},
        {CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"},
        {CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED"},
        {CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR"},
        {CKR_KEY_FUNCTION_NOT_PERMITTED, "CKR_KEY_FUNCTION_NOT_PERMITTED"},
        {CKR_KEY_TYPE_INCONSISTENT, "CKR_KEY_TYPE_INCONSISTENT"},
        {CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID"},
        {CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED"},
        {CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR"},
        {CKR_HOST_MEMORY, "CKR_HOST_MEMORY"},
        {CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"},
        {CKR_CANT_LOCK, "CKR_CANT_LOCK"},
        {CKR_FUNCTION_NOT_SUPPORTED, "CKR_FUNCTION_NOT_SUPPORTED"},
    };
    for (const auto& [value, name] : names)
        if (value == rv) return name;
    static const char hex[] = "0123456789abcdef";
    std::string digits;
    for (CK_RV v = rv; digits.empty() || v; v >>= 4) digits.insert(digits.begin(), hex[v & 0xf]);
    return "CKR 0x" + digits;
}

std::string rv_text(CK_RV rv) {
    // What the values users meet mean, in the words of PKCS#11's own descriptions.
    static const std::pair<CK_RV, const char*> meanings[] = {
        {CKR_PIN_INCORRECT, "the PIN is incorrect"},
        {CKR_PIN_LOCKED, "the PIN is locked"},
        {CKR_PIN_EXPIRED, "the PIN has expired"},
        {CKR_TOKEN_NOT_PRESENT, "the token is not present"},
        {CKR_DEVICE_REMOVED, "the device was removed"},
        {CKR_DEVICE_ERROR, "the device failed"},
        {CKR_CANT_LOCK, "the module cannot use the system's locking"},
        {CKR_FUNCTION_NOT_SUPPORTED, "the module does not implement this call"},
    };
    for (const auto& [value, meaning] : meanings)
        if (value == rv) return rv_name(rv) + " (" + meaning + ")";
    return rv_name(rv);
}

std::string padded_text(const unsigned char* text, std::size_t size) {
    while (size > 0 && (text[size - 1] == ' ' || text[size - 1] == '\0')) --size;
    return std::string(reinterpret_cast<const char*>(text), size);
}

}  // namespace cipolicy::pkcs11
