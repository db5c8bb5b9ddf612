#include "cms/file_kind.hpp"

#include <algorithm>
#include <string_view>

#include "cms/signed_policy_reader.hpp"
#include "core/error.hpp"
#include "crypto/certificate.hpp"
#include "policy/binary_reader.hpp"

namespace cipolicy::cms {

namespace {

// The DER of the signedData OID (1.2.840.113549.1.7.2), which a ContentInfo carries within its
// first bytes (SEQUENCE header of at most 5 bytes, then the OID).
constexpr unsigned char kSignedDataOidDer[] = {0x06, 0x09, 0x2A, 0x86, 0x48, 0x86,
                                               0xF7, 0x0D, 0x01, 0x07, 0x02};

bool starts_like_signed_data(ByteView data) {
    if (data.size() < 2 || data[0] != 0x30) return false;
    ByteView head = data.first(std::min<std::size_t>(data.size(), 24));
    return std::search(head.begin(), head.end(), std::begin(kSignedDataOidDer),
                       std::end(kSignedDataOidDer)) != head.end();
}

bool is_certificate(ByteView data) {
    constexpr std::string_view pem = "-----BEGIN CERTIFICATE-----";
    std::string_view text(reinterpret_cast<const char*>(data.data()),
                          std::min<std::size_t>(data.size(), 4096));
    if (text.find(pem) != std::string_view::npos) return true;
    if (data.empty() || data[0] != 0x30) return false;
    try {
        crypto::Certificate::from_der(data, "probe");
        return true;
    } catch (const Error&) {
        return false;
    }
}

// The bytes after a DER SEQUENCE header, or an empty view.
ByteView sequence_body(ByteView data) {
    if (data.size() < 2 || data[0] != 0x30) return {};
    std::size_t header = 2;
    if (data[1] & 0x80) {
        const std::size_t n = data[1] & 0x7F;
        if (n == 0 || n > 4) return {};
        header += n;
    }
    return data.size() > header ? data.subspan(header) : ByteView{};
}

bool starts_with(ByteView data, std::initializer_list<unsigned char> prefix) {
    return data.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), data.begin());
}

bool has_pem_label(ByteView data, std::string_view label) {
    std::string_view text(reinterpret_cast<const char*>(data.data()),
                          std::min<std::size_t>(data.size(), 4096));
    return text.find("-----BEGIN " + std::string(label)) != std::string_view::npos;
}

// PFX: SEQUENCE { INTEGER 3, ContentInfo ... } (RFC 7292).
bool is_pfx(ByteView data) {
    return starts_with(sequence_body(data), {0x02, 0x01, 0x03, 0x30});
}

// PEM by label; DER PKCS#1 / PKCS#8 by their version 0 (SEQUENCE { INTEGER 0, ... }), encrypted
// PKCS#8 by its PBES2 / PKCS#12 PBE algorithm.
bool is_private_key(ByteView data) {
    for (std::string_view label :
         {"PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"})
        if (has_pem_label(data, label)) return true;
    ByteView body = sequence_body(data);
    if (starts_with(body, {0x02, 0x01, 0x00})) return true;
    ByteView algorithm = sequence_body(body);
    return starts_with(algorithm, {0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05}) ||
           starts_with(algorithm, {0x06, 0x0A, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C});
}

}  // namespace

bool looks_like_xml(ByteView data) {
    std::size_t i = 0;
    if (data.size() >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) i = 3;
    if (data.size() >= 2 &&
        ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF)))
        return true;  // UTF-16 text: PowerShell's default encoding for policy XML
    while (i < data.size() &&
           (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        ++i;
    return i < data.size() && data[i] == '<';
}

FileKind identify_file(ByteView data) {
    if (looks_like_signed_data(data)) return FileKind::signed_policy;
    if (starts_like_signed_data(data)) return FileKind::damaged_signed;
    if (looks_like_xml(data)) return FileKind::policy_xml;
    if (is_certificate(data)) return FileKind::certificate;
    if (is_pfx(data)) return FileKind::pfx;
    if (is_private_key(data)) return FileKind::private_key;
    try {
        policy::read_policy_binary(data);
        return FileKind::policy_binary;
    } catch (const Error&) {
        return FileKind::unknown;
    }
}

std::string describe(FileKind kind) {
    switch (kind) {
        case FileKind::signed_policy:
            return "a signed policy";
        case FileKind::damaged_signed:
            return "a damaged signed policy";
        case FileKind::policy_binary:
            return "an unsigned policy binary";
        case FileKind::policy_xml:
            return "policy XML";
        case FileKind::certificate:
            return "a certificate";
        case FileKind::private_key:
            return "a private key";
        case FileKind::pfx:
            return "a PFX (PKCS#12) file";
        case FileKind::unknown:
            break;
    }
    return "not a policy";
}

std::string which_command_takes(FileKind kind) {
    switch (kind) {
        case FileKind::signed_policy:
            return "cipolicy verify checks it; inspect and decompile read it";
        case FileKind::damaged_signed:
            return "cipolicy verify says what is wrong with it";
        case FileKind::policy_binary:
            return "cipolicy sign signs it; inspect and decompile read it";
        case FileKind::policy_xml:
            return "cipolicy compile turns it into a binary; add-signer, set-option, set-id and "
                   "set-version edit it";
        case FileKind::certificate:
            return "cipolicy sign takes it with --cert, --chain or --root, add-signer with "
                   "--cert; cipolicy tbs-hash prints the TBS hash a signer rule names";
        case FileKind::private_key:
            return "cipolicy sign takes it with --key";
        case FileKind::pfx:
            return "cipolicy sign takes it with --pfx";
        case FileKind::unknown:
            break;
    }
    return {};
}

std::string wrong_kind_message(const std::string& path, FileKind kind,
                               const std::string& expected) {
    std::string out = path + ": this is " + describe(kind) + ", not " + expected;
    if (kind == FileKind::unknown) out = path + ": not " + expected;
    const std::string takes = which_command_takes(kind);
    return takes.empty() ? out : out + " (" + takes + ")";
}

}  // namespace cipolicy::cms
