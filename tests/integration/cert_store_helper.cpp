// Test helper for the Windows build (run under Wine): puts a PFX's certificate and key into
// CurrentUser\My as a user would (PFXImportCertStore, then CertAddCertificateContextToStore), and
// takes it out again.
//   cert_store_helper import FILE.pfx   prints the SHA-1 thumbprint of the imported certificate
//   cert_store_helper remove THUMBPRINT
#include <windows.h>
// after windows.h
#include <wincrypt.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

HCERTSTORE open_my() {
    return CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_CURRENT_USER, L"My");
}

int import_pfx(const char* file) {
    std::ifstream in(file, std::ios::binary);
    std::vector<BYTE> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (data.empty()) {
        std::fprintf(stderr, "cannot read %s\n", file);
        return 1;
    }
    CRYPT_DATA_BLOB blob{static_cast<DWORD>(data.size()), data.data()};
    HCERTSTORE pfx = PFXImportCertStore(&blob, L"", CRYPT_USER_KEYSET);
    if (!pfx) {
        std::fprintf(stderr, "PFXImportCertStore: 0x%08lx\n", GetLastError());
        return 1;
    }
    HCERTSTORE my = open_my();
    if (!my) {
        std::fprintf(stderr, "CertOpenStore(My): 0x%08lx\n", GetLastError());
        return 1;
    }
    int added = 0;
    const CERT_CONTEXT* cert = nullptr;
    while ((cert = CertEnumCertificatesInStore(pfx, cert))) {
        DWORD size = 0;
        if (!CertGetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, nullptr, &size))
            continue;  // only the certificate with the key
        if (!CertAddCertificateContextToStore(my, cert, CERT_STORE_ADD_REPLACE_EXISTING, nullptr)) {
            std::fprintf(stderr, "CertAddCertificateContextToStore: 0x%08lx\n", GetLastError());
            return 1;
        }
        BYTE hash[20];
        DWORD hash_size = sizeof hash;
        CertGetCertificateContextProperty(cert, CERT_SHA1_HASH_PROP_ID, hash, &hash_size);
        for (DWORD i = 0; i < hash_size; ++i) std::printf("%02X", hash[i]);
        std::printf("\n");
        ++added;
    }
    CertCloseStore(my, 0);
    CertCloseStore(pfx, 0);
    if (added != 1) {
        std::fprintf(stderr, "the PFX held %d certificates with a key, not one\n", added);
        return 1;
    }
    return 0;
}

int remove_certificate(const char* thumbprint) {
    BYTE hash[20];
    for (int i = 0; i < 20; ++i) {
        unsigned v = 0;
        if (std::sscanf(thumbprint + 2 * i, "%2x", &v) != 1) return 2;
        hash[i] = static_cast<BYTE>(v);
    }
    CRYPT_HASH_BLOB blob{20, hash};
    HCERTSTORE my = open_my();
    const CERT_CONTEXT* cert =
        CertFindCertificateInStore(my, X509_ASN_ENCODING, 0, CERT_FIND_SHA1_HASH, &blob, nullptr);
    int rc = cert && CertDeleteCertificateFromStore(cert) ? 0 : 1;
    CertCloseStore(my, 0);
    return rc;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::string(argv[1]) == "import") return import_pfx(argv[2]);
    if (argc == 3 && std::string(argv[1]) == "remove") return remove_certificate(argv[2]);
    std::fprintf(stderr, "usage: cert_store_helper import FILE.pfx | remove THUMBPRINT\n");
    return 2;
}
