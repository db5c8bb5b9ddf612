#include "pkcs11/module.hpp"

#include <utility>

#include "core/error.hpp"
#include "core/quote.hpp"

namespace cipolicy::pkcs11 {
namespace fs = std::filesystem;

Module::Module(const fs::path& path) : name_(path.string()) {
    if (path.empty())
        throw Error(ExitCode::usage,
                    "no PKCS#11 module: give the token's library with --pkcs11-module FILE (or "
                    "module-path= in the URI)");
    // A bare name ("opensc-pkcs11.so") is resolved by p11-kit in its module folder; anything with
    // a folder must exist, which gives a clearer line than the loader's message.
    std::error_code ec;
    if (path.has_parent_path() && !fs::is_regular_file(path, ec))
        throw Error(ExitCode::input, "PKCS#11 module " + quote(name_) +
                                         ": no such file (install the token's PKCS#11 library, "
                                         "e.g. softhsm2 or opensc, and give its path)");
    // Unmanaged: the module is called directly, without p11-kit's proxy and user configuration.
    functions_ = p11_kit_module_load(name_.c_str(), P11_KIT_MODULE_UNMANAGED);
    if (!functions_) {
        const char* why = p11_kit_message();
        throw Error(ExitCode::input, "PKCS#11 module " + quote(name_) + ": cannot be loaded" +
                                         (why ? ": " + escaped(why) : std::string()));
    }
    if (CK_RV rv = p11_kit_module_initialize(functions_); rv != CKR_OK) {
        p11_kit_module_release(std::exchange(functions_, nullptr));
        throw Error(ExitCode::input,
                    "PKCS#11 module " + quote(name_) + ": C_Initialize failed: " + rv_text(rv));
    }
}

Module::~Module() {
    if (!functions_) return;
    p11_kit_module_finalize(functions_);
    p11_kit_module_release(functions_);
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
    };
    for (const auto& [value, name] : names)
        if (value == rv) return name;
    static const char hex[] = "0123456789abcdef";
    std::string digits;
    for (CK_RV v = rv; digits.empty() || v; v >>= 4) digits.insert(digits.begin(), hex[v & 0xf]);
    return "CKR 0x" + digits;
}

std::string rv_text(CK_RV rv) {
    const char* text = p11_kit_strerror(rv);
    return text ? rv_name(rv) + " (" + escaped(text) + ")" : rv_name(rv);
}

std::string padded_text(const unsigned char* text, std::size_t size) {
    std::size_t n = p11_kit_space_strlen(text, size);
    return std::string(reinterpret_cast<const char*>(text), n);
}

}  // namespace cipolicy::pkcs11
