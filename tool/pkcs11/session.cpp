#include "pkcs11/session.hpp"

#include "core/error.hpp"
#include "core/quote.hpp"

namespace cipolicy::pkcs11 {

namespace {

std::vector<CK_SLOT_ID> slots_with_tokens(CK_FUNCTION_LIST& f, const std::string& module) {
    CK_ULONG n = 0;
    CK_RV rv = f.C_GetSlotList(CK_TRUE, nullptr, &n);
    std::vector<CK_SLOT_ID> slots(n);
    if (rv == CKR_OK && n) rv = f.C_GetSlotList(CK_TRUE, slots.data(), &n);
    if (rv != CKR_OK)
        throw Error(ExitCode::key,
                    "PKCS#11 module " + quote(module) + ": C_GetSlotList failed: " + rv_text(rv));
    slots.resize(n);
    return slots;
}

}  // namespace

Session::Session(Module& module, const TokenUri& uri, const crypto::Secret& pin,
                 const std::string& pin_hint)
    : f_(module.functions()) {
    CK_INFO module_info{};
    if (CK_RV rv = f_.C_GetInfo(&module_info); rv != CKR_OK)
        throw Error(ExitCode::key, "PKCS#11 module " + quote(module.name()) +
                                       ": C_GetInfo failed: " + rv_text(rv));
    std::vector<CK_SLOT_ID> matching;
    std::vector<CK_TOKEN_INFO> infos;
    std::string present;
    for (CK_SLOT_ID slot : slots_with_tokens(f_, module.name())) {
        CK_SLOT_INFO slot_info{};
        CK_TOKEN_INFO info{};
        if (f_.C_GetSlotInfo(slot, &slot_info) != CKR_OK ||
            f_.C_GetTokenInfo(slot, &info) != CKR_OK || !(info.flags & CKF_TOKEN_INITIALIZED))
            continue;  // SoftHSM2 and some HSMs keep an empty slot for the next token
        std::string label = padded_text(info.label, sizeof info.label);
        present += (present.empty() ? "" : ", ") + quote(label, 40);
        if (!uri.matches(module_info, slot, slot_info, info)) continue;
        matching.push_back(slot);
        infos.push_back(info);
    }
    if (matching.size() != 1)
        throw Error(ExitCode::key,
                    "PKCS#11 URI " + quote(uri.text()) + ": " +
                        (matching.empty() ? "no token matches" : "several tokens match") +
                        " in module " + quote(module.name()) + " (tokens present: " +
                        (present.empty() ? "none" : present) + "; name one with token=LABEL)");
    slot_ = matching.front();
    const CK_TOKEN_INFO& info = infos.front();
    label_ = padded_text(info.label, sizeof info.label);
    if (info.flags & CKF_USER_PIN_LOCKED)
        throw Error(ExitCode::key, "PKCS#11 token " + quote(label_) +
                                       ": the user PIN is locked after too many wrong PINs; "
                                       "unlock it with the security officer PIN (e.g. "
                                       "pkcs11-tool --login --login-type so --init-pin)");
    if (CK_RV rv = f_.C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr, &handle_);
        rv != CKR_OK)
        throw Error(ExitCode::key,
                    "PKCS#11 token " + quote(label_) + ": C_OpenSession failed: " + rv_text(rv));
    if (!(info.flags & CKF_LOGIN_REQUIRED)) return;
    if (pin.empty()) {
        f_.C_CloseSession(handle_);
        throw Error(ExitCode::usage, "PKCS#11 token " + quote(label_) +
                                         " needs its user PIN: give it with " + pin_hint);
    }
    try {
        login(CKU_USER, pin);
    } catch (...) {
        f_.C_CloseSession(handle_);
        throw;
    }
}

void Session::login(CK_USER_TYPE user, const crypto::Secret& pin) {
    const std::string& value = pin.reveal();
    CK_RV rv =
        f_.C_Login(handle_, user, reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(value.data())),
                   static_cast<CK_ULONG>(value.size()));
    if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) {
        if (user == CKU_USER) logged_in_ = true;
        return;
    }
    const std::string token = "PKCS#11 token " + quote(label_);
    if (rv == CKR_PIN_LOCKED)
        throw Error(ExitCode::key, token +
                                       ": the user PIN is locked (CKR_PIN_LOCKED); unlock it "
                                       "with the security officer PIN (e.g. pkcs11-tool --login "
                                       "--login-type so --init-pin)");
    if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_INVALID || rv == CKR_PIN_LEN_RANGE) {
        CK_TOKEN_INFO info{};
        bool final_try =
            f_.C_GetTokenInfo(slot_, &info) == CKR_OK && (info.flags & CKF_USER_PIN_FINAL_TRY);
        throw Error(ExitCode::key, token + ": wrong PIN (" + rv_name(rv) + ")" +
                                       (final_try ? "; one more wrong PIN locks the token" : ""));
    }
    throw Error(ExitCode::key, token + ": C_Login failed: " + rv_text(rv));
}

Session::~Session() {
    if (handle_ == CK_INVALID_HANDLE) return;
    if (logged_in_) f_.C_Logout(handle_);
    f_.C_CloseSession(handle_);
    handle_ = CK_INVALID_HANDLE;
}

std::vector<CK_OBJECT_HANDLE> Session::find(CK_OBJECT_CLASS cls,
                                            const std::vector<CK_ATTRIBUTE>& attributes) {
    std::vector<CK_ATTRIBUTE> match{{CKA_CLASS, &cls, sizeof cls}};
    match.insert(match.end(), attributes.begin(), attributes.end());
    if (CK_RV rv = f_.C_FindObjectsInit(handle_, match.data(), match.size()); rv != CKR_OK)
        throw Error(ExitCode::key, "PKCS#11 token " + quote(label_) +
                                       ": C_FindObjectsInit failed: " + rv_text(rv));
    std::vector<CK_OBJECT_HANDLE> found(64);
    CK_ULONG n = 0;
    CK_RV rv = f_.C_FindObjects(handle_, found.data(), found.size(), &n);
    f_.C_FindObjectsFinal(handle_);
    if (rv != CKR_OK)
        throw Error(ExitCode::key,
                    "PKCS#11 token " + quote(label_) + ": C_FindObjects failed: " + rv_text(rv));
    found.resize(n);
    return found;
}

std::optional<Bytes> Session::attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
    CK_ATTRIBUTE a{type, nullptr, 0};
    if (f_.C_GetAttributeValue(handle_, object, &a, 1) != CKR_OK ||
        a.ulValueLen == CK_UNAVAILABLE_INFORMATION)
        return std::nullopt;
    Bytes value(a.ulValueLen);
    a.pValue = value.data();
    if (f_.C_GetAttributeValue(handle_, object, &a, 1) != CKR_OK) return std::nullopt;
    value.resize(a.ulValueLen);
    return value;
}

Bytes Session::sign(CK_OBJECT_HANDLE key, CK_MECHANISM_TYPE mechanism, ByteView data,
                    std::size_t max_size, bool always_authenticate, const crypto::Secret& pin) {
    const std::string token = "PKCS#11 token " + quote(label_);
    CK_MECHANISM m{mechanism, nullptr, 0};
    if (CK_RV rv = f_.C_SignInit(handle_, &m, key); rv != CKR_OK)
        throw Error(ExitCode::key, token + ": C_SignInit (CKM_RSA_PKCS) failed: " + rv_text(rv));
    if (always_authenticate) login(CKU_CONTEXT_SPECIFIC, pin);
    Bytes signature(max_size);
    CK_ULONG size = signature.size();
    CK_RV rv =
        f_.C_Sign(handle_, const_cast<CK_BYTE*>(data.data()), data.size(), signature.data(), &size);
    if (rv != CKR_OK) throw Error(ExitCode::key, token + ": C_Sign failed: " + rv_text(rv));
    signature.resize(size);
    return signature;
}

}  // namespace cipolicy::pkcs11
