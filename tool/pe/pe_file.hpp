#pragma once
// The one reader of Windows PE files and their embedded Authenticode signatures, shared by `scan`
// (rules from files) and `check` (rules against files). It computes what Windows App Control
// matches on: Authenticode and first-page hashes, the signers' TBS hashes, CN, EKUs and OEM ID,
// the VERSIONINFO names and version, and the subsystem that picks the signing scenario.
// Algorithms: ../shared/oracles/pe/README.md; docs/scan.md. Plain data, no OpenSSL types.

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"

namespace cipolicy::pe {

// Files above this are refused with one line (memory stays bounded: a file is read once, whole).
inline constexpr std::uintmax_t kMaxPeBytes = 512u << 20;

// Machine values of IMAGE_FILE_HEADER that Windows runs (others are kept as their number).
inline constexpr std::uint16_t kMachineI386 = 0x014c;
inline constexpr std::uint16_t kMachineAmd64 = 0x8664;
inline constexpr std::uint16_t kMachineArm64 = 0xaa64;
inline constexpr std::uint16_t kMachineArmNt = 0x01c4;

// The signing scenario a file belongs to: kernel-mode files (IMAGE_SUBSYSTEM_NATIVE) are judged
// by scenario 131 (drivers), everything else by scenario 12 (user mode).
enum class Mode { kernel, user };
inline constexpr int kKernelScenario = 131;
inline constexpr int kUserScenario = 12;

enum class KeyAlgorithm { rsa, ecdsa, other };  // Windows App Control accepts RSA signers only

inline constexpr const char* kWhqlEku =
    "1.3.6.1.4.1.311.10.3.5";  // Windows Hardware Driver Verification

// One certificate of a signature's chain.
struct ChainCertificate {
    Bytes der;
    std::string subject;      // one line, RFC 2253 style (for messages)
    std::string common_name;  // CN, or the whole subject when it has none (CertPublisher)
    std::string issuer_common_name;
    // The TBS hash Windows stores in CertRoot Type="TBS": the hash of the DER tbsCertificate with
    // the digest of THIS certificate's own signature algorithm (sha1RSA -> SHA-1: 20 bytes).
    std::string tbs_hash_algorithm;  // "sha1", "sha256", "sha384", "sha512"; empty: unknown
    Bytes tbs_hash;                  // empty when the algorithm is unknown
    std::vector<std::string> ekus;   // dotted OIDs; empty when the extension is absent
    KeyAlgorithm key_algorithm = KeyAlgorithm::other;
    bool self_issued = false;
};

// One embedded Authenticode signature (the primary, or a nested one from the unsigned
// attribute 1.3.6.1.4.1.311.2.4.1).
struct Signature {
    bool nested = false;
    // The digest the signature covers (SpcIndirectDataContent) and its algorithm.
    std::string digest_algorithm;  // "sha1", "sha256", ...
    Bytes signed_digest;
    // signed_digest equals this file's Authenticode hash with that algorithm.
    bool digest_matches = false;
    // The signer's signature over its signed attributes verifies with the leaf's public key, and
    // the messageDigest attribute matches the SpcIndirectDataContent.
    bool signature_valid = false;
    // Leaf (the SignerInfo's certificate) first, then each issuer found among the signature's
    // certificates, as far as they reach (usually up to, not including, the root).
    std::vector<ChainCertificate> chain;
    // SpcSpOpusInfo programName: for WHQL-signed files the OEM ID that CertOemID matches.
    std::string opus_program_name;
    bool whql = false;  // some certificate of the chain carries kWhqlEku
    // Why this signature could not be read in full (empty when it was); the hashes stay valid.
    std::string problem;
};

// VERSIONINFO resource: the strings of the first translation, converted to UTF-8.
struct VersionInfo {
    std::optional<std::array<std::uint16_t, 4>>
        file_version;  // VS_FIXEDFILEINFO dwFileVersionMS/LS
    std::string original_filename;
    std::string internal_name;
    std::string file_description;
    std::string product_name;
    std::string company_name;
};

struct PeFile {
    std::uint16_t machine = 0;
    std::uint16_t subsystem = 0;
    bool pe32_plus = false;
    Mode mode = Mode::user;
    std::uintmax_t size = 0;
    // Authenticode hashes (whole image without CheckSum, the certificate-table entry and the
    // table) and first-page hashes ("Hash Page" rules).
    Bytes authenticode_sha1, authenticode_sha256;
    Bytes page_sha1, page_sha256;
    std::vector<Signature> signatures;  // primary first; empty for an unsigned file
    VersionInfo version;
    // Damage the reader tolerated the way Windows would (say a truncated VERSIONINFO); for
    // --verbose.
    std::vector<std::string> notes;
};

// True when `head` (the file's first bytes, 1 KiB are enough) starts an MZ image whose e_lfanew
// points at "PE\0\0" inside `head`. Recognition by content, never by extension.
bool looks_like_pe(ByteView head);

// Reads a PE image from memory. Throws Error(input) with one line naming `source` and the damaged
// field (truncated headers, a section table or certificate table outside the file, ...).
PeFile read_pe(ByteView image, const std::string& source);

// Reads the file once (at most kMaxPeBytes, else Error(input)), then read_pe.
PeFile read_pe_file(const std::filesystem::path& path);

// The scenario number for a mode (131 or 12).
int scenario_of(Mode mode);

}  // namespace cipolicy::pe
