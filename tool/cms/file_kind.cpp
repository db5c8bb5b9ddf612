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
        case FileKind::unknown:
            break;
    }
    return "not a policy";
}

}  // namespace cipolicy::cms
