// A PKCS#11 soft token for the tests, built as a .so (Linux) and as a DLL (MinGW, loaded by
// cipolicy.exe under Wine): one slot, one token, a user PIN, one RSA private key with its
// certificate and any further certificates, read from PEM files with OpenSSL. It implements what
// a signer needs (slots, token info, sessions, login, C_FindObjects by class/label/id,
// C_GetAttributeValue, C_SignInit/C_Sign with CKM_RSA_PKCS) the way the standard says, with the
// buffer-size protocol, and refuses the rest (CKR_FUNCTION_NOT_SUPPORTED).
//
// Configured by the environment, read at C_Initialize:
//   SOFT_TOKEN_KEY    PEM private key (RSA)              SOFT_TOKEN_PIN    the user PIN
//   SOFT_TOKEN_CERTS  PEM certificates: the key's first  SOFT_TOKEN_LABEL  token label
//   SOFT_TOKEN_LOG    optional file the module appends the calls that matter to ("C_Initialize
//                     os-locking", "C_Login ok", "C_Sign", "C_Finalize"), for the tests to check.
// Like a multi-threaded vendor module, it wants CKF_OS_LOCKING_OK: C_Initialize without it
// returns CKR_CANT_LOCK.
#define CRYPTOKI_EXPORTS  // C_GetFunctionList is exported (dllexport on Windows)
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "pkcs11/cryptoki.hpp"

namespace {

using Value = std::vector<unsigned char>;
constexpr CK_SLOT_ID kSlot = 7;  // not 0: a caller must use the id the module gives

struct Object {
    bool is_private = false;
    std::map<CK_ATTRIBUTE_TYPE, Value> attributes;
};

struct Token {
    bool initialized = false;
    bool logged_in = false;
    CK_SESSION_HANDLE open = 0;  // one session at a time: 0 none
    std::string label, pin;
    EVP_PKEY* key = nullptr;
    std::vector<Object> objects;  // handle = index + 1
    // The current search and signing operation of the session.
    std::vector<CK_OBJECT_HANDLE> found;
    std::size_t found_next = 0;
    bool finding = false;
    CK_OBJECT_HANDLE signing = 0;
} token;

void log(const std::string& line) {
    if (const char* file = std::getenv("SOFT_TOKEN_LOG"))
        if (FILE* f = std::fopen(file, "a")) {
            std::fprintf(f, "%s\n", line.c_str());
            std::fclose(f);
        }
}

template <class T>
Value of(const T& v) {
    Value out(sizeof v);
    std::memcpy(out.data(), &v, sizeof v);
    return out;
}

Value text(const std::string& s) {
    return Value(s.begin(), s.end());
}

void padded(unsigned char* field, std::size_t size, const std::string& s) {
    std::memset(field, ' ', size);
    std::memcpy(field, s.data(), s.size() < size ? s.size() : size);
}

Value der_of(X509* cert) {
    int n = i2d_X509(cert, nullptr);
    Value out(n > 0 ? static_cast<std::size_t>(n) : 0);
    unsigned char* p = out.data();
    i2d_X509(cert, &p);
    return out;
}

Value bignum(EVP_PKEY* key, const char* name) {
    BIGNUM* n = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &n) != 1) return {};
    Value out(static_cast<std::size_t>(BN_num_bytes(n)));
    BN_bn2bin(n, out.data());
    BN_free(n);
    return out;
}

bool load() {
    const char* key_file = std::getenv("SOFT_TOKEN_KEY");
    const char* certs_file = std::getenv("SOFT_TOKEN_CERTS");
    const char* pin = std::getenv("SOFT_TOKEN_PIN");
    const char* label = std::getenv("SOFT_TOKEN_LABEL");
    if (!key_file || !certs_file || !pin) return false;
    token.pin = pin;
    token.label = label ? label : "cipolicy-soft";
    BIO* bio = BIO_new_file(key_file, "r");
    token.key = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(bio);
    if (!token.key || EVP_PKEY_get_base_id(token.key) != EVP_PKEY_RSA) return false;
    const Value id{0x01};
    const Value key_label = text("policy-signer");
    Object key;
    key.is_private = true;
    key.attributes = {{CKA_CLASS, of<CK_OBJECT_CLASS>(CKO_PRIVATE_KEY)},
                      {CKA_KEY_TYPE, of<CK_KEY_TYPE>(CKK_RSA)},
                      {CKA_LABEL, key_label},
                      {CKA_ID, id},
                      {CKA_TOKEN, of<CK_BBOOL>(CK_TRUE)},
                      {CKA_PRIVATE, of<CK_BBOOL>(CK_TRUE)},
                      {CKA_SENSITIVE, of<CK_BBOOL>(CK_TRUE)},
                      {CKA_SIGN, of<CK_BBOOL>(CK_TRUE)},
                      {CKA_ALWAYS_AUTHENTICATE, of<CK_BBOOL>(CK_FALSE)},
                      {CKA_MODULUS, bignum(token.key, OSSL_PKEY_PARAM_RSA_N)},
                      {CKA_PUBLIC_EXPONENT, bignum(token.key, OSSL_PKEY_PARAM_RSA_E)}};
    token.objects.push_back(key);
    bio = BIO_new_file(certs_file, "r");
    unsigned char next_id = 0x01;  // the key's certificate first, then 02, 03, ...
    while (X509* cert = bio ? PEM_read_bio_X509(bio, nullptr, nullptr, nullptr) : nullptr) {
        Object c;
        c.attributes = {{CKA_CLASS, of<CK_OBJECT_CLASS>(CKO_CERTIFICATE)},
                        {CKA_CERTIFICATE_TYPE, of<CK_CERTIFICATE_TYPE>(CKC_X_509)},
                        {CKA_TOKEN, of<CK_BBOOL>(CK_TRUE)},
                        {CKA_PRIVATE, of<CK_BBOOL>(CK_FALSE)},
                        {CKA_LABEL, next_id == 1 ? key_label : text("certificate")},
                        {CKA_ID, Value{next_id}},
                        {CKA_VALUE, der_of(cert)}};
        ++next_id;
        X509_free(cert);
        token.objects.push_back(c);
    }
    BIO_free(bio);
    return next_id > 1;
}

void unload() {
    EVP_PKEY_free(token.key);
    token = Token();
}

bool valid_session(CK_SESSION_HANDLE h) {
    return token.initialized && h != 0 && h == token.open;
}

CK_RV initialize(void* args) {
    if (token.initialized) return CKR_CRYPTOKI_ALREADY_INITIALIZED;
    auto* a = static_cast<CK_C_INITIALIZE_ARGS*>(args);
    if (!a || !(a->flags & CKF_OS_LOCKING_OK)) return CKR_CANT_LOCK;
    if (!load()) {
        unload();
        return CKR_GENERAL_ERROR;
    }
    token.initialized = true;
    log("C_Initialize os-locking");
    return CKR_OK;
}

CK_RV finalize(void* reserved) {
    if (reserved) return CKR_ARGUMENTS_BAD;
    if (!token.initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
    unload();
    log("C_Finalize");
    return CKR_OK;
}

CK_RV get_info(CK_INFO* info) {
    if (!token.initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
    std::memset(info, 0, sizeof *info);
    info->cryptokiVersion = {2, 40};
    padded(info->manufacturerID, sizeof info->manufacturerID, "cipolicy tests");
    padded(info->libraryDescription, sizeof info->libraryDescription, "soft token");
    info->libraryVersion = {1, 2};
    return CKR_OK;
}

CK_RV get_slot_list(CK_BBOOL, CK_SLOT_ID* list, CK_ULONG* count) {
    if (!token.initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
    if (!count) return CKR_ARGUMENTS_BAD;
    if (!list) {
        *count = 1;
        return CKR_OK;
    }
    if (*count < 1) {
        *count = 1;
        return CKR_BUFFER_TOO_SMALL;
    }
    list[0] = kSlot;
    *count = 1;
    return CKR_OK;
}

CK_RV get_slot_info(CK_SLOT_ID slot, CK_SLOT_INFO* info) {
    if (!token.initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
    if (slot != kSlot) return CKR_SLOT_ID_INVALID;
    std::memset(info, 0, sizeof *info);
    padded(info->slotDescription, sizeof info->slotDescription, "cipolicy soft slot");
    padded(info->manufacturerID, sizeof info->manufacturerID, "cipolicy tests");
    info->flags = CKF_TOKEN_PRESENT;
    return CKR_OK;
}

CK_RV get_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO* info) {
    if (!token.initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
    if (slot != kSlot) return CKR_SLOT_ID_INVALID;
    std::memset(info, 0, sizeof *info);
    padded(info->label, sizeof info->label, token.label);
    padded(info->manufacturerID, sizeof info->manufacturerID, "cipolicy tests");
    padded(info->model, sizeof info->model, "soft");
    padded(info->serialNumber, sizeof info->serialNumber, "0001");
    info->flags = CKF_TOKEN_INITIALIZED | CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED;
    info->ulMaxSessionCount = 1;
    info->ulMaxRwSessionCount = 1;
    info->ulMaxPinLen = 64;
    info->ulMinPinLen = 4;
    info->ulTotalPublicMemory = info->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
    info->ulTotalPrivateMemory = info->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
    return CKR_OK;
}

CK_RV open_session(CK_SLOT_ID slot, CK_FLAGS flags, void*, CK_NOTIFY, CK_SESSION_HANDLE* h) {
    if (!token.initialized) return CKR_CRYPTOKI_NOT_INITIALIZED;
    if (slot != kSlot) return CKR_SLOT_ID_INVALID;
    if (!(flags & CKF_SERIAL_SESSION)) return CKR_SESSION_PARALLEL_NOT_SUPPORTED;
    if (token.open) return CKR_SESSION_COUNT;
    token.open = 0x5e55;
    *h = token.open;
    return CKR_OK;
}

CK_RV close_session(CK_SESSION_HANDLE h) {
    if (!valid_session(h)) return CKR_SESSION_HANDLE_INVALID;
    token.open = 0;
    token.logged_in = false;  // the last session closed: logged out (PKCS#11 section 5.6)
    token.finding = false;
    token.signing = 0;
    return CKR_OK;
}

CK_RV close_all_sessions(CK_SLOT_ID slot) {
    if (slot != kSlot) return CKR_SLOT_ID_INVALID;
    return token.open ? close_session(token.open) : CKR_OK;
}

CK_RV login(CK_SESSION_HANDLE h, CK_USER_TYPE user, CK_UTF8CHAR* pin, CK_ULONG size) {
    if (!valid_session(h)) return CKR_SESSION_HANDLE_INVALID;
    if (user != CKU_USER) return CKR_USER_TYPE_INVALID;
    if (token.logged_in) return CKR_USER_ALREADY_LOGGED_IN;
    if (!pin || std::string(reinterpret_cast<char*>(pin), size) != token.pin) {
        log("C_Login wrong");
        return CKR_PIN_INCORRECT;
    }
    token.logged_in = true;
    log("C_Login ok");
    return CKR_OK;
}

CK_RV logout(CK_SESSION_HANDLE h) {
    if (!valid_session(h)) return CKR_SESSION_HANDLE_INVALID;
    if (!token.logged_in) return CKR_USER_NOT_LOGGED_IN;
    token.logged_in = false;
    return CKR_OK;
}

const Object* object(CK_OBJECT_HANDLE h) {
    if (h == 0 || h > token.objects.size()) return nullptr;
    const Object& o = token.objects[h - 1];
    return o.is_private && !token.logged_in ? nullptr : &o;  // private objects need a login
}

CK_RV find_init(CK_SESSION_HANDLE h, CK_ATTRIBUTE* match, CK_ULONG count) {
    if (!valid_session(h)) return CKR_SESSION_HANDLE_INVALID;
    if (token.finding) return CKR_OPERATION_ACTIVE;
    if (count && !match) return CKR_ARGUMENTS_BAD;
    token.found.clear();
    token.found_next = 0;
    for (CK_OBJECT_HANDLE handle = 1; handle <= token.objects.size(); ++handle) {
        const Object* o = object(handle);
        bool all = o != nullptr;
        for (CK_ULONG i = 0; all && i < count; ++i) {
            auto it = o->attributes.find(match[i].type);
            const auto* p = static_cast<const unsigned char*>(match[i].pValue);
            all = it != o->attributes.end() && it->second.size() == match[i].ulValueLen &&
                  (match[i].ulValueLen == 0 ||
                   std::memcmp(it->second.data(), p, match[i].ulValueLen) == 0);
        }
        if (all) token.found.push_back(handle);
    }
    token.finding = true;
    return CKR_OK;
}

CK_RV find(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE* out, CK_ULONG max, CK_ULONG* n) {
    if (!valid_session(h)) return CKR_SESSION_HANDLE_INVALID;
    if (!token.finding) return CKR_OPERATION_NOT_INITIALIZED;
    if (!out || !n) return CKR_ARGUMENTS_BAD;
    *n = 0;
    while (*n < max && token.found_next < token.found.size())
        out[(*n)++] = token.found[token.found_next++];
    return CKR_OK;
}

CK_RV find_final(CK_SESSION_HANDLE h) {
    if (!valid_session(h)) return CKR_SESSION_HANDLE_INVALID;
    if (!token.finding) return CKR_OPERATION_NOT_INITIALIZED;
    token.finding = false;
    return CKR_OK;
}

CK_RV get_attribute_value(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE handle, CK_ATTRIBUTE* t,
                          CK_ULONG count) {
    if (!valid_session(h)) return CKR_SESSION_HANDLE_INVALID;
    const Object* o = object(handle);
    if (!o) return CKR_OBJECT_HANDLE_INVALID;
    CK_RV rv = CKR_OK;
    for (CK_ULONG i = 0; i < count; ++i) {
        if (t[i].type == CKA_PRIVATE_EXPONENT || (t[i].type == CKA_VALUE && o->is_private)) {
            t[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
            rv = CKR_ATTRIBUTE_SENSITIVE;
            continue;
        }
        auto it = o->attributes.find(t[i].type);
        if (it == o->attributes.end()) {
            t[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
            rv = CKR_ATTRIBUTE_TYPE_INVALID;
        } else if (!t[i].pValue) {
            t[i].ulValueLen = static_cast<CK_ULONG>(it->second.size());
        } else if (t[i].ulValueLen < it->second.size()) {
            t[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
            rv = CKR_BUFFER_TOO_SMALL;
        } else {
            std::memcpy(t[i].pValue, it->second.data(), it->second.size());
            t[i].ulValueLen = static_cast<CK_ULONG>(it->second.size());
        }
    }
    return rv;
}

CK_RV sign_init(CK_SESSION_HANDLE h, CK_MECHANISM* mechanism, CK_OBJECT_HANDLE key) {
    if (!valid_session(h)) return CKR_SESSION_HANDLE_INVALID;
    if (token.signing) return CKR_OPERATION_ACTIVE;
    if (!mechanism || mechanism->mechanism != CKM_RSA_PKCS) return CKR_MECHANISM_INVALID;
    if (!token.logged_in) return CKR_USER_NOT_LOGGED_IN;
    const Object* o = object(key);
    if (!o) return CKR_KEY_HANDLE_INVALID;
    if (!o->is_private) return CKR_KEY_TYPE_INCONSISTENT;
    token.signing = key;
    return CKR_OK;
}

// CKM_RSA_PKCS: PKCS#1 v1.5 block type 1 over exactly the bytes given (the caller's DigestInfo).
CK_RV sign(CK_SESSION_HANDLE h, CK_BYTE* data, CK_ULONG size, CK_BYTE* signature,
           CK_ULONG* signature_size) {
    if (!valid_session(h)) return CKR_SESSION_HANDLE_INVALID;
    if (!token.signing) return CKR_OPERATION_NOT_INITIALIZED;
    if (!signature_size) return CKR_ARGUMENTS_BAD;
    const auto modulus = static_cast<CK_ULONG>(EVP_PKEY_get_size(token.key));
    if (!signature) {  // the size query; the operation stays active
        *signature_size = modulus;
        return CKR_OK;
    }
    if (*signature_size < modulus) {
        *signature_size = modulus;
        return CKR_BUFFER_TOO_SMALL;
    }
    token.signing = 0;
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(token.key, nullptr);
    std::size_t out = *signature_size;
    bool ok = ctx && EVP_PKEY_sign_init(ctx) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
              EVP_PKEY_sign(ctx, signature, &out, data, size) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) return CKR_DATA_LEN_RANGE;
    *signature_size = static_cast<CK_ULONG>(out);
    log("C_Sign");
    return CKR_OK;
}

// Everything else: a function of the right type that says it is not there.
template <class... Args>
CK_RV unsupported(Args...) {
    return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV get_function_list(CK_FUNCTION_LIST** list);

CK_FUNCTION_LIST make_list() {
    CK_FUNCTION_LIST f{};
    f.version = {2, 40};
    f.C_Initialize = initialize;
    f.C_Finalize = finalize;
    f.C_GetInfo = get_info;
    f.C_GetFunctionList = get_function_list;
    f.C_GetSlotList = get_slot_list;
    f.C_GetSlotInfo = get_slot_info;
    f.C_GetTokenInfo = get_token_info;
    f.C_OpenSession = open_session;
    f.C_CloseSession = close_session;
    f.C_CloseAllSessions = close_all_sessions;
    f.C_Login = login;
    f.C_Logout = logout;
    f.C_FindObjectsInit = find_init;
    f.C_FindObjects = find;
    f.C_FindObjectsFinal = find_final;
    f.C_GetAttributeValue = get_attribute_value;
    f.C_SignInit = sign_init;
    f.C_Sign = sign;
    f.C_WaitForSlotEvent = unsupported;
    f.C_GetMechanismList = unsupported;
    f.C_GetMechanismInfo = unsupported;
    f.C_InitToken = unsupported;
    f.C_InitPIN = unsupported;
    f.C_SetPIN = unsupported;
    f.C_GetSessionInfo = unsupported;
    f.C_GetOperationState = unsupported;
    f.C_SetOperationState = unsupported;
    f.C_CreateObject = unsupported;
    f.C_CopyObject = unsupported;
    f.C_DestroyObject = unsupported;
    f.C_GetObjectSize = unsupported;
    f.C_SetAttributeValue = unsupported;
    f.C_EncryptInit = unsupported;
    f.C_Encrypt = unsupported;
    f.C_EncryptUpdate = unsupported;
    f.C_EncryptFinal = unsupported;
    f.C_DecryptInit = unsupported;
    f.C_Decrypt = unsupported;
    f.C_DecryptUpdate = unsupported;
    f.C_DecryptFinal = unsupported;
    f.C_DigestInit = unsupported;
    f.C_Digest = unsupported;
    f.C_DigestUpdate = unsupported;
    f.C_DigestKey = unsupported;
    f.C_DigestFinal = unsupported;
    f.C_SignUpdate = unsupported;
    f.C_SignFinal = unsupported;
    f.C_SignRecoverInit = unsupported;
    f.C_SignRecover = unsupported;
    f.C_VerifyInit = unsupported;
    f.C_Verify = unsupported;
    f.C_VerifyUpdate = unsupported;
    f.C_VerifyFinal = unsupported;
    f.C_VerifyRecoverInit = unsupported;
    f.C_VerifyRecover = unsupported;
    f.C_DigestEncryptUpdate = unsupported;
    f.C_DecryptDigestUpdate = unsupported;
    f.C_SignEncryptUpdate = unsupported;
    f.C_DecryptVerifyUpdate = unsupported;
    f.C_GenerateKey = unsupported;
    f.C_GenerateKeyPair = unsupported;
    f.C_WrapKey = unsupported;
    f.C_UnwrapKey = unsupported;
    f.C_DeriveKey = unsupported;
    f.C_SeedRandom = unsupported;
    f.C_GenerateRandom = unsupported;
    f.C_GetFunctionStatus = unsupported;
    f.C_CancelFunction = unsupported;
    return f;
}

CK_FUNCTION_LIST functions = make_list();

CK_RV get_function_list(CK_FUNCTION_LIST** list) {
    if (!list) return CKR_ARGUMENTS_BAD;
    *list = &functions;
    return CKR_OK;
}

}  // namespace

extern "C" CK_RV C_GetFunctionList(CK_FUNCTION_LIST** list) {
    return get_function_list(list);
}
