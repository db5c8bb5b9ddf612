#include "platform/cert_store.hpp"

#ifdef _WIN32
#include <windows.h>
// wincrypt.h after windows.h; ncrypt.h after wincrypt.h.
#include <ncrypt.h>
#include <wincrypt.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#endif

namespace cipolicy::platform {

#ifndef _WIN32

std::unique_ptr<StoreKey> open_store_key(const StoreQuery&) {
    throw StoreError(StoreError::Kind::unsupported,
                     "Windows certificate stores exist only on Windows: use cipolicy.exe there, "
                     "or here a PFX (--pfx), a PKCS#11 token or Azure Key Vault");
}

#else

namespace {

constexpr DWORD kEncoding = X509_ASN_ENCODING | PKCS_7_ASN_ENCODING;

std::wstring widen(const std::string& text) {
    if (text.empty()) return {};
    int n = MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
    std::wstring out(static_cast<std::size_t>(n > 0 ? n : 0), L'\0');
    if (n > 0)
        MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), n);
    return out;
}

std::string narrow(const std::wstring& text) {
    if (text.empty()) return {};
    int n = WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0,
                                nullptr, nullptr);
    std::string out(static_cast<std::size_t>(n > 0 ? n : 0), '\0');
    if (n > 0)
        WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), n,
                            nullptr, nullptr);
    return out;
}

std::string hex_code(unsigned long code) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08lx", code);
    return buf;
}

struct StoreCloser {
    void operator()(void* store) const { CertCloseStore(store, 0); }
};
struct CertFreer {
    void operator()(const CERT_CONTEXT* cert) const { CertFreeCertificateContext(cert); }
};
using StorePtr = std::unique_ptr<void, StoreCloser>;
using CertPtr = std::unique_ptr<const CERT_CONTEXT, CertFreer>;

std::string display_name(const CERT_CONTEXT* cert) {
    wchar_t name[512] = L"";
    CertGetNameStringW(cert, CERT_NAME_SIMPLE_DISPLAY_TYPE, 0, nullptr, name, 512);
    return narrow(name);
}

std::string thumbprint_of(const CERT_CONTEXT* cert) {
    unsigned char hash[20] = {};
    DWORD size = sizeof hash;
    if (!CertGetCertificateContextProperty(cert, CERT_SHA1_HASH_PROP_ID, hash, &size)) return "?";
    std::string out;
    char buf[3];
    for (DWORD i = 0; i < size; ++i) {
        std::snprintf(buf, sizeof buf, "%02X", hash[i]);
        out += buf;
    }
    return out;
}

bool has_private_key(const CERT_CONTEXT* cert) {
    DWORD size = 0;
    return CertGetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, nullptr, &size) ||
           CertGetCertificateContextProperty(cert, CERT_KEY_CONTEXT_PROP_ID, nullptr, &size);
}

// 40 hex digits; spaces and colons (as certmgr and PowerShell show them) are ignored.
std::vector<BYTE> thumbprint_bytes(const std::string& text) {
    std::string digits;
    for (char c : text)
        if (c != ' ' && c != ':') digits += c;
    std::vector<BYTE> out;
    if (digits.size() != 40) return out;
    for (std::size_t i = 0; i < 40; i += 2) {
        unsigned value = 0;
        if (std::sscanf(digits.c_str() + i, "%2x", &value) != 1) return {};
        out.push_back(static_cast<BYTE>(value));
    }
    return out;
}

std::string store_text(const StoreQuery& q) {
    return std::string(q.local_machine ? "LocalMachine" : "CurrentUser") + "\\" + q.store;
}

CertPtr find_certificate(HCERTSTORE store, const StoreQuery& q) {
    if (!q.thumbprint.empty()) {
        std::vector<BYTE> hash = thumbprint_bytes(q.thumbprint);
        if (hash.empty())
            throw StoreError(StoreError::Kind::not_found,
                             "the thumbprint must be 40 hexadecimal digits (the certificate's "
                             "SHA-1, as signtool /sha1 takes it)");
        CRYPT_HASH_BLOB blob{static_cast<DWORD>(hash.size()), hash.data()};
        CertPtr cert(
            CertFindCertificateInStore(store, kEncoding, 0, CERT_FIND_SHA1_HASH, &blob, nullptr));
        if (!cert)
            throw StoreError(StoreError::Kind::not_found,
                             store_text(q) + ": no certificate with thumbprint " + q.thumbprint);
        if (!has_private_key(cert.get()))
            throw StoreError(StoreError::Kind::key, store_text(q) + ": the certificate " +
                                                        display_name(cert.get()) +
                                                        " has no private key in this store");
        return cert;
    }
    const std::wstring wanted = widen(q.subject);
    std::vector<CertPtr> matches;
    const CERT_CONTEXT* at = nullptr;
    // Bounded: a store with more certificates than this is not one to choose from by name.
    for (int seen = 0; seen < 100000; ++seen) {
        at = CertFindCertificateInStore(store, kEncoding, 0, CERT_FIND_SUBJECT_STR_W,
                                        wanted.c_str(), at);
        if (!at) break;
        if (has_private_key(at)) matches.emplace_back(CertDuplicateCertificateContext(at));
    }
    if (at) CertFreeCertificateContext(at);
    if (matches.size() == 1) return std::move(matches.front());
    if (matches.empty())
        throw StoreError(StoreError::Kind::not_found,
                         store_text(q) + ": no certificate with a private key has '" + q.subject +
                             "' in its subject");
    std::string list;
    for (std::size_t i = 0; i < matches.size() && i < 10; ++i)
        list += (i ? "; " : "") + display_name(matches[i].get()) + " (" +
                thumbprint_of(matches[i].get()) + ")";
    throw StoreError(StoreError::Kind::ambiguous,
                     store_text(q) + ": " + std::to_string(matches.size()) +
                         " certificates with a private key match '" + q.subject + "': " + list +
                         "; choose one with --thumbprint");
}

LPCWSTR cng_hash(const std::string& hash) {
    if (hash == "SHA384") return BCRYPT_SHA384_ALGORITHM;
    if (hash == "SHA512") return BCRYPT_SHA512_ALGORITHM;
    return BCRYPT_SHA256_ALGORITHM;
}

ALG_ID capi_hash(const std::string& hash) {
    if (hash == "SHA384") return CALG_SHA_384;
    if (hash == "SHA512") return CALG_SHA_512;
    return CALG_SHA_256;
}

class WindowsStoreKey final : public StoreKey {
  public:
    WindowsStoreKey(CertPtr cert, const StoreQuery& q) : cert_(std::move(cert)) {
        der_.assign(cert_->pbCertEncoded, cert_->pbCertEncoded + cert_->cbCertEncoded);
        DWORD spec = 0;
        BOOL must_free = FALSE;
        HCRYPTPROV_OR_NCRYPT_KEY_HANDLE handle = 0;
        if (!CryptAcquireCertificatePrivateKey(
                cert_.get(), CRYPT_ACQUIRE_SILENT_FLAG | CRYPT_ACQUIRE_ALLOW_NCRYPT_KEY_FLAG,
                nullptr, &handle, &spec, &must_free))
            throw StoreError(StoreError::Kind::key,
                             store_text(q) + ": the private key of " + display_name(cert_.get()) +
                                 " cannot be opened (" + hex_code(GetLastError()) +
                                 "; a smart card not inserted, or a key that asks for a PIN "
                                 "in a dialog, which a build cannot answer)");
        spec_ = spec;
        owned_ = must_free != FALSE;
        if (spec == CERT_NCRYPT_KEY_SPEC) {
            ncrypt_ = handle;
            provider_ = "CNG";
        } else {
            capi_ = handle;
            provider_ = "CryptoAPI";
        }
    }

    ~WindowsStoreKey() override {
        if (aes_) CryptReleaseContext(aes_, 0);
        if (!owned_) return;
        if (ncrypt_) NCryptFreeObject(ncrypt_);
        if (capi_) CryptReleaseContext(capi_, 0);
    }

    const Der& certificate() const override { return der_; }

    std::vector<Der> chain() const override {
        std::vector<Der> out;
        CERT_CHAIN_PARA para{};
        para.cbSize = sizeof para;
        PCCERT_CHAIN_CONTEXT chain = nullptr;
        if (!CertGetCertificateChain(nullptr, cert_.get(), nullptr, cert_->hCertStore, &para, 0,
                                     nullptr, &chain) ||
            !chain)
            return out;
        if (chain->cChain > 0) {
            const CERT_SIMPLE_CHAIN* simple = chain->rgpChain[0];
            for (DWORD i = 1; i < simple->cElement; ++i) {
                const CERT_CHAIN_ELEMENT* e = simple->rgpElement[i];
                // signtool leaves the root out of the signature, as the policy names it anyway.
                if (e->TrustStatus.dwInfoStatus & CERT_TRUST_IS_SELF_SIGNED) break;
                out.emplace_back(e->pCertContext->pbCertEncoded,
                                 e->pCertContext->pbCertEncoded + e->pCertContext->cbCertEncoded);
            }
        }
        CertFreeCertificateChain(chain);
        return out;
    }

    Der sign_pkcs1(const std::string& hash, const Der& digest) override {
        std::lock_guard lock(mutex_);  // CSP handles are not safe across threads
        return ncrypt_ ? sign_cng(hash, digest) : sign_capi(hash, digest);
    }

    std::string key_provider() const override { return provider_; }

  private:
    Der sign_cng(const std::string& hash, const Der& digest) {
        BCRYPT_PKCS1_PADDING_INFO padding{cng_hash(hash)};
        DWORD size = 0;
        PBYTE in = const_cast<PBYTE>(digest.data());
        SECURITY_STATUS st =
            NCryptSignHash(ncrypt_, &padding, in, static_cast<DWORD>(digest.size()), nullptr, 0,
                           &size, BCRYPT_PAD_PKCS1);
        Der out(size);
        if (st == ERROR_SUCCESS)
            st = NCryptSignHash(ncrypt_, &padding, in, static_cast<DWORD>(digest.size()),
                                out.data(), size, &size, BCRYPT_PAD_PKCS1);
        if (st != ERROR_SUCCESS)
            throw StoreError(StoreError::Kind::key, "the CNG key of " + display_name(cert_.get()) +
                                                        " did not sign (NCryptSignHash " +
                                                        hex_code(static_cast<unsigned long>(st)) +
                                                        ")");
        out.resize(size);
        return out;
    }

    // The certificate's key container opened again in the RSA/AES provider: the base and
    // enhanced RSA providers cannot hash with SHA-2, but read the same containers.
    HCRYPTPROV aes_provider() {
        if (aes_) return aes_;
        DWORD size = 0;
        if (!CertGetCertificateContextProperty(cert_.get(), CERT_KEY_PROV_INFO_PROP_ID, nullptr,
                                               &size))
            return 0;
        std::vector<BYTE> buffer(size);
        if (!CertGetCertificateContextProperty(cert_.get(), CERT_KEY_PROV_INFO_PROP_ID,
                                               buffer.data(), &size))
            return 0;
        const auto* info = reinterpret_cast<const CRYPT_KEY_PROV_INFO*>(buffer.data());
        DWORD flags = CRYPT_SILENT | (info->dwFlags & CRYPT_MACHINE_KEYSET);
        if (!CryptAcquireContextW(&aes_, info->pwszContainerName, MS_ENH_RSA_AES_PROV_W,
                                  PROV_RSA_AES, flags))
            aes_ = 0;
        return aes_;
    }

    // One signature with `provider`, trying the key spec the certificate names and then both
    // others: a PFX import may keep a signing key as AT_KEYEXCHANGE. Returns 0 or the error.
    DWORD capi_sign(HCRYPTPROV provider, const std::string& hash, const Der& digest, Der& out) {
        HCRYPTHASH h = 0;
        if (!CryptCreateHash(provider, capi_hash(hash), 0, 0, &h)) return GetLastError();
        DWORD error = CryptSetHashParam(h, HP_HASHVAL, digest.data(), 0) ? 0 : GetLastError();
        if (error == 0) {
            // Wine's PFXImportCertStore records key spec 3 for a key kept as AT_KEYEXCHANGE.
            for (DWORD spec : {spec_, DWORD(AT_KEYEXCHANGE), DWORD(AT_SIGNATURE)}) {
                DWORD size = 0;
                bool ok = CryptSignHashW(h, spec, nullptr, 0, nullptr, &size);
                if (ok) {
                    out.resize(size);
                    ok = CryptSignHashW(h, spec, nullptr, 0, out.data(), &size);
                }
                error = ok ? 0 : GetLastError();
                if (ok) {
                    out.resize(size);
                    break;
                }
                if (error != static_cast<DWORD>(NTE_NO_KEY)) break;
            }
        }
        CryptDestroyHash(h);
        return error;
    }

    Der sign_capi(const std::string& hash, const Der& digest) {
        Der out;
        // The handle CryptAcquireCertificatePrivateKey gave, then the same container reopened in
        // the RSA/AES provider (the base and enhanced providers cannot hash with SHA-2).
        DWORD error = capi_sign(capi_, hash, digest, out);
        if (error != 0) {
            const DWORD first = error;
            HCRYPTPROV aes = aes_provider();
            error = aes ? capi_sign(aes, hash, digest, out) : first;
            if (error != 0)
                throw StoreError(StoreError::Kind::key,
                                 "the CryptoAPI key of " + display_name(cert_.get()) +
                                     " did not sign (" + key_container() + "; CryptSignHash " +
                                     hex_code(first) + ", in the RSA/AES provider " +
                                     hex_code(error) + ")");
        }
        std::reverse(out.begin(), out.end());  // CryptoAPI writes little-endian
        return out;
    }

    // "container NAME of PROVIDER, key spec N", for messages.
    std::string key_container() const {
        DWORD size = 0;
        if (!CertGetCertificateContextProperty(cert_.get(), CERT_KEY_PROV_INFO_PROP_ID, nullptr,
                                               &size))
            return "no key provider information";
        std::vector<BYTE> buffer(size);
        if (!CertGetCertificateContextProperty(cert_.get(), CERT_KEY_PROV_INFO_PROP_ID,
                                               buffer.data(), &size))
            return "no key provider information";
        const auto* info = reinterpret_cast<const CRYPT_KEY_PROV_INFO*>(buffer.data());
        return "container '" + narrow(info->pwszContainerName ? info->pwszContainerName : L"") +
               "' of '" + narrow(info->pwszProvName ? info->pwszProvName : L"") + "', type " +
               std::to_string(info->dwProvType) + ", key spec " + std::to_string(info->dwKeySpec);
    }

    CertPtr cert_;
    Der der_;
    DWORD spec_ = 0;
    bool owned_ = false;
    NCRYPT_KEY_HANDLE ncrypt_ = 0;
    HCRYPTPROV capi_ = 0, aes_ = 0;
    std::string provider_;
    std::mutex mutex_;
};

}  // namespace

std::unique_ptr<StoreKey> open_store_key(const StoreQuery& q) {
    const DWORD location =
        q.local_machine ? CERT_SYSTEM_STORE_LOCAL_MACHINE : CERT_SYSTEM_STORE_CURRENT_USER;
    const std::wstring name = widen(q.store);
    StorePtr store(CertOpenStore(
        CERT_STORE_PROV_SYSTEM_W, 0, 0,
        location | CERT_STORE_READONLY_FLAG | CERT_STORE_OPEN_EXISTING_FLAG, name.c_str()));
    if (!store)
        throw StoreError(StoreError::Kind::not_found,
                         store_text(q) + ": the certificate store cannot be opened (" +
                             hex_code(GetLastError()) + ")");
    return std::make_unique<WindowsStoreKey>(find_certificate(store.get(), q), q);
}

#endif

}  // namespace cipolicy::platform
