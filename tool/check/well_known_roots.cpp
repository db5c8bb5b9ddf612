#include "check/well_known_roots.hpp"

#include <openssl/x509v3.h>

#include <array>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "crypto/certificate.hpp"

namespace cipolicy::check {

namespace {

// Microsoft's table ("Understanding App Control event tags", Microsoft Root CAs trusted by
// Windows), indexed by the root ID.
constexpr std::array<std::string_view, 20> kNames{
    "None",
    "Unknown",
    "Self-Signed",
    "Authenticode",
    "Microsoft Product Root 1997",
    "Microsoft Product Root 2001",
    "Microsoft Product Root 2010",
    "Microsoft Standard Root 2011",
    "Microsoft Code Verification Root 2006",
    "Microsoft Test Root 1999",
    "Microsoft Test Root 2010",
    "Microsoft DMD Test Root 2005",
    "Microsoft DMDRoot 2005",
    "Microsoft DMD Preview Root 2005",
    "Microsoft Flight Root 2014",
    "Microsoft Third Party Marketplace Root",
    "Microsoft ECC Testing Root CA 2017",
    "Microsoft ECC Development Root CA 2018",
    "Microsoft ECC Product Root CA 2018",
    "Microsoft ECC Devices Root CA 2017",
};

struct RootKey {
    std::uint32_t id;
    std::string_view subject_key_id;  // hex
};

// Only keys proven against Microsoft-made files in ../shared/oracles: "Microsoft Root Certificate
// Authority 2010" is the issuer of "Microsoft Windows Production PCA 2011" in
// signed/HBKmon_driversipolicy.p7b (its authority key identifier). Other roots are "unknown"
// rather than guessed.
constexpr std::array<RootKey, 1> kKeys{{
    {6, "D5F656CB8FE8A25C6268D13D94905BD7CE9A18C4"},
}};

Bytes octets(const ASN1_OCTET_STRING* s) {
    if (!s) return {};
    const unsigned char* p = ASN1_STRING_get0_data(s);
    return Bytes(p, p + ASN1_STRING_length(s));
}

bool contains_microsoft(const std::string& text) {
    std::string lower;
    for (char c : text) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return lower.find("microsoft") != std::string::npos;
}

}  // namespace

std::string well_known_root_name(std::uint32_t id) {
    if (id < kNames.size()) return std::string(kNames[id]);
    static const char* digits = "0123456789ABCDEF";
    std::string hex;
    for (std::uint32_t v = id; v; v >>= 4) hex.insert(hex.begin(), digits[v & 0xF]);
    return "well-known root 0x" + hex;
}

Match chain_reaches_well_known_root(const pe::Signature& signature, std::uint32_t id) {
    if (signature.chain.empty()) return Match::none();
    const pe::ChainCertificate& top = signature.chain.back();
    const std::string name = well_known_root_name(id);
    for (const auto& k : kKeys) {
        if (k.id != id) continue;
        Bytes want;
        from_hex(k.subject_key_id, want);
        Bytes have;
        try {
            const auto cert = crypto::Certificate::from_der(top.der, "signature certificate");
            have = octets(top.self_issued ? X509_get0_subject_key_id(cert.get())
                                          : X509_get0_authority_key_id(cert.get()));
        } catch (const Error&) {
            return Match::none();
        }
        if (have != want) return Match::none();
        return {Match::yes, "the chain reaches " + name + " (key " + std::string(k.subject_key_id) +
                                ") through " + top.common_name};
    }
    if (contains_microsoft(top.issuer_common_name) || contains_microsoft(top.common_name))
        return {Match::unknown, "the chain ends at a Microsoft certificate (" + top.common_name +
                                    "); cipolicy does not know the key of " + name};
    return Match::none();
}

}  // namespace cipolicy::check
