// A PKCS#11 module for the tests: it passes every call to another module (SoftHSM2, given by
// $LOCKING_MODULE_INNER) but, like a smart card or an HSM and unlike SoftHSM2, locks the user PIN
// after three wrong PINs. The count lives in the file $LOCKING_MODULE_STATE so that it carries
// from one run of cipolicy to the next. With $LOCKING_MODULE_HIDE_FLAG=1 the token does not
// report CKF_USER_PIN_LOCKED, and only C_Login says CKR_PIN_LOCKED (as some tokens do).
#include <dlfcn.h>
#include <p11-kit/pkcs11.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

CK_FUNCTION_LIST* inner = nullptr;
CK_FUNCTION_LIST wrapped;
constexpr int kTries = 3;

int failures() {
    int n = 0;
    const char* file = std::getenv("LOCKING_MODULE_STATE");
    if (FILE* f = file ? std::fopen(file, "r") : nullptr) {
        if (std::fscanf(f, "%d", &n) != 1) n = 0;
        std::fclose(f);
    }
    return n;
}

void set_failures(int n) {
    const char* file = std::getenv("LOCKING_MODULE_STATE");
    if (FILE* f = file ? std::fopen(file, "w") : nullptr) {
        std::fprintf(f, "%d\n", n);
        std::fclose(f);
    }
}

CK_RV login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG size) {
    if (user != CKU_USER) return inner->C_Login(session, user, pin, size);
    if (failures() >= kTries) return CKR_PIN_LOCKED;
    CK_RV rv = inner->C_Login(session, user, pin, size);
    if (rv == CKR_PIN_INCORRECT) set_failures(failures() + 1);
    if (rv == CKR_OK) set_failures(0);
    return rv;
}

CK_RV token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
    CK_RV rv = inner->C_GetTokenInfo(slot, info);
    if (rv != CKR_OK) return rv;
    const char* hide = std::getenv("LOCKING_MODULE_HIDE_FLAG");
    int n = failures();
    if (n >= kTries && !(hide && std::strcmp(hide, "1") == 0)) info->flags |= CKF_USER_PIN_LOCKED;
    if (n == kTries - 1) info->flags |= CKF_USER_PIN_FINAL_TRY;
    return rv;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) CK_RV C_GetFunctionList(
    CK_FUNCTION_LIST_PTR_PTR list) {
    if (!inner) {
        const char* path = std::getenv("LOCKING_MODULE_INNER");
        void* handle = path ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : nullptr;
        auto get = handle
                       ? reinterpret_cast<CK_C_GetFunctionList>(dlsym(handle, "C_GetFunctionList"))
                       : nullptr;
        if (!get || get(&inner) != CKR_OK) return CKR_GENERAL_ERROR;
        wrapped = *inner;
        wrapped.C_Login = login;
        wrapped.C_GetTokenInfo = token_info;
    }
    *list = &wrapped;
    return CKR_OK;
}
