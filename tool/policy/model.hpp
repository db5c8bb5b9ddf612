#pragma once
// One in-memory model of a code integrity policy: what the binary format stores, in its order,
// plus room for the names only policy XML has. Readers and writers fill and emit it as-is; sorting
// and defaults are the XML compiler's business.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/bytes.hpp"
#include "policy/guid.hpp"
#include "policy/options.hpp"
#include "policy/text.hpp"
#include "policy/version.hpp"

namespace cipolicy::policy {

// The binary does not store IDs or FriendlyNames; XML-facing code keeps them here.
struct XmlNames {
    std::string id;
    std::string friendly_name;
    friend bool operator==(const XmlNames&, const XmlNames&) = default;
};

// The option word of the header, kept raw so unknown bits survive a round trip.
class RuleOptions {
  public:
    constexpr RuleOptions() = default;  // no options, structural bit set as Microsoft writes it
    constexpr explicit RuleOptions(std::uint32_t word) : word_(word) {}

    constexpr std::uint32_t word() const { return word_; }
    constexpr bool has(std::uint32_t bits) const { return (word_ & bits) == bits; }
    constexpr void set(std::uint32_t bits) { word_ |= bits; }
    constexpr void clear(std::uint32_t bits) { word_ &= ~bits; }

    friend constexpr bool operator==(RuleOptions, RuleOptions) = default;

  private:
    std::uint32_t word_ = option_bit::always_set;
};

// Single-policy format (one SiPolicy.p7b per PolicyTypeID) or multiple-policy format
// ({PolicyID}.cip, Windows 10 1903+). The binary's header GUID is the PolicyTypeID or the
// BasePolicyID; its format-6 block repeats them as PolicyID and BasePolicyID, so one variant
// holds all three and they cannot disagree.
struct SinglePolicyFormat {
    Guid policy_type_id;
    friend bool operator==(const SinglePolicyFormat&, const SinglePolicyFormat&) = default;
};
struct MultiplePolicyFormat {
    Guid policy_id;
    Guid base_policy_id;  // == policy_id for a base policy
    friend bool operator==(const MultiplePolicyFormat&, const MultiplePolicyFormat&) = default;
};
using PolicyIdentity = std::variant<SinglePolicyFormat, MultiplePolicyFormat>;

struct Eku {
    XmlNames xml;
    Bytes value;  // as stored: 01 <length> <OID content bytes>
    friend bool operator==(const Eku&, const Eku&) = default;
};

enum class FileRuleType : std::uint32_t { deny = 0, allow = 1, file_attrib = 2 };

struct FileRule {
    XmlNames xml;
    FileRuleType type = FileRuleType::allow;
    PolicyString file_name;
    Version minimum_version;  // raw: the compiler's defaults are already applied
    Bytes hash;
    // Format 3 and later.
    Version maximum_version;  // 0.0.0.0 when the XML has none
    std::vector<PolicyString> app_ids;
    // Format 4 and later.
    PolicyString internal_name;
    PolicyString file_description;
    PolicyString product_name;
    // Format 5 and later.
    PolicyString package_family_name;
    Version package_version;
    // Format 7 and later.
    PolicyString file_path;

    friend bool operator==(const FileRule&, const FileRule&) = default;
};

// CertRoot Type="TBS": the hash of a certificate's TBSCertificate (the digest its own signature
// algorithm uses), matched against a certificate in the signing chain.
struct TbsRoot {
    Bytes tbs_hash;
    friend bool operator==(const TbsRoot&, const TbsRoot&) = default;
};
// CertRoot Type="Wellknown": one of Windows' built-in roots by number.
struct WellKnownRoot {
    std::uint32_t id = 0;
    friend bool operator==(const WellKnownRoot&, const WellKnownRoot&) = default;
};
using CertRoot = std::variant<TbsRoot, WellKnownRoot>;

// A <Signer> element: a certificate rule (root, EKUs, issuer, publisher) signed files are matched
// against. Not to be confused with the Signer (signing/signer.hpp) that makes signatures.
struct SignerRule {
    XmlNames xml;  // friendly_name holds the signer's Name attribute
    CertRoot root;
    std::vector<std::uint32_t> cert_ekus;  // indices into Policy::ekus
    PolicyString cert_issuer;
    PolicyString cert_publisher;
    PolicyString cert_oem_id;
    std::vector<std::uint32_t> file_attrib_refs;    // indices into Policy::file_rules
    std::uint64_t sign_time_after = 0;              // FILETIME, 0 when unset; format 3 and later
    std::vector<std::uint32_t> artifact_rule_refs;  // indices into Policy::artifact_rules; 10+
    // CertEKU Condition="Except": EKUs that exclude a certificate; format 11 and later.
    std::vector<std::uint32_t> except_cert_ekus;  // indices into Policy::ekus

    friend bool operator==(const SignerRule&, const SignerRule&) = default;
};

struct AllowedSigner {
    std::uint32_t signer = 0;                      // index into Policy::signers
    std::vector<std::uint32_t> except_deny_rules;  // indices into Policy::file_rules
    friend bool operator==(const AllowedSigner&, const AllowedSigner&) = default;
};
struct DeniedSigner {
    std::uint32_t signer = 0;
    std::vector<std::uint32_t> except_allow_rules;
    friend bool operator==(const DeniedSigner&, const DeniedSigner&) = default;
};

// ProductSigners, TestSigners or TestSigningSigners. An absent group and an empty one are stored
// alike.
struct SignerGroup {
    std::vector<AllowedSigner> allowed;
    std::vector<DeniedSigner> denied;
    std::vector<std::uint32_t> file_rules_ref;  // indices into Policy::file_rules
    friend bool operator==(const SignerGroup&, const SignerGroup&) = default;
};

inline constexpr std::uint32_t kKernelModeScenario = 131;
inline constexpr std::uint32_t kUserModeScenario = 12;
inline constexpr std::uint32_t kSha256HashAlgorithm = 0x800C;  // CALG_SHA_256, the default

// ArtifactSigners (format 10): signers for artifacts (CIM, catalogs), not for files.
struct ArtifactSignerGroup {
    std::vector<AllowedSigner> allowed;
    std::vector<DeniedSigner> denied;
    std::vector<std::uint32_t> artifact_rules_ref;  // indices into Policy::artifact_rules
    friend bool operator==(const ArtifactSignerGroup&, const ArtifactSignerGroup&) = default;
};

struct SigningScenario {
    XmlNames xml;
    std::uint32_t value = kUserModeScenario;
    // Kept raw: no oracle uses them and Microsoft does not document what they index.
    std::vector<std::uint32_t> inherited_scenarios;
    std::uint32_t minimum_hash_algorithm = kSha256HashAlgorithm;
    SignerGroup product_signers;
    SignerGroup test_signers;
    SignerGroup test_signing_signers;
    ArtifactSignerGroup artifact_signers;  // format 10 and later
    friend bool operator==(const SigningScenario&, const SigningScenario&) = default;
};

// The alternative's index is the type number the binary stores: 0 boolean, 1 DWORD, 2 binary,
// 3 string.
using SettingValue = std::variant<bool, std::uint32_t, Bytes, PolicyString>;

struct SecureSetting {
    PolicyString provider;
    PolicyString key;
    PolicyString value_name;
    SettingValue value;
    friend bool operator==(const SecureSetting&, const SecureSetting&) = default;
};

// RequireHotpatchID (format 9): the Allow rule `base` lets a hotpatch load only when it also
// matches the Allow rule `target`, within the target's hotpatch sequence numbers.
struct HotpatchRequirement {
    std::uint32_t base = 0;    // index into Policy::file_rules
    std::uint32_t target = 0;  // index into Policy::file_rules
    std::uint32_t minimum_sequence = 0;
    std::uint32_t maximum_sequence = 0xFFFFFFFF;  // none
    friend bool operator==(const HotpatchRequirement&, const HotpatchRequirement&) = default;
};

// ArtifactRule (format 10). The numbers are what the binary stores.
enum class ArtifactType : std::uint32_t { cim = 0, catalog = 1 };
enum class ArtifactAction : std::uint32_t { deny = 0, allow = 1 };
struct ArtifactRule {
    XmlNames xml;
    ArtifactType type = ArtifactType::cim;
    ArtifactAction action = ArtifactAction::allow;
    PolicyString name;
    PolicyString description;
    Version minimum_version;
    Version maximum_version;
    Bytes hash;  // SHA-256, -384 or -512; empty when none
    friend bool operator==(const ArtifactRule&, const ArtifactRule&) = default;
};

inline constexpr std::uint32_t kLatestFormatVersion = 11;
// What compile writes when the XML needs nothing newer (ConvertFrom-CIPolicy's current format).
inline constexpr std::uint32_t kDefaultFormatVersion = 8;

// Format 8's AppSettings section is not modelled: writing it needs each setting's type from the
// application manifest its Manifest URI names (docs/compiler.md). The reader rejects a non-zero
// count and the writer writes zero.
struct Policy {
    std::uint32_t format_version = kDefaultFormatVersion;
    PolicyIdentity identity;
    Guid platform_id;  // nil when the XML has no PlatformID
    RuleOptions options;
    Version version;  // VersionEx
    std::vector<Eku> ekus;
    std::vector<FileRule> file_rules;
    std::vector<SignerRule> signers;
    std::vector<std::uint32_t> update_policy_signers;  // indices into signers
    std::vector<std::uint32_t> ci_signers;             // indices into signers
    std::vector<SigningScenario> signing_scenarios;
    std::uint32_t hvci_options = 0;
    std::vector<SecureSetting> settings;
    std::vector<std::uint32_t> supplemental_policy_signers;  // format 6 and later
    std::vector<HotpatchRequirement> hotpatch;               // format 9 and later
    std::vector<ArtifactRule> artifact_rules;                // format 10 and later

    // The GUID in the header: PolicyTypeID or BasePolicyID.
    Guid header_id() const;
    // PolicyID and BasePolicyID as Windows sees them (both the PolicyTypeID in single format).
    Guid policy_id() const;
    Guid base_policy_id() const;
    bool is_multiple_policy_format() const {
        return std::holds_alternative<MultiplePolicyFormat>(identity);
    }
    // The header's supplemental bit, which Windows reads; the IDs of a well-formed supplemental
    // policy also differ.
    bool is_supplemental() const { return options.has(option_bit::supplemental); }
    // "Enabled:Unsigned System Integrity Policy": Windows loads the policy without a signature.
    bool is_unsigned_policy_allowed() const { return options.has(option_bit::unsigned_policy); }

    friend bool operator==(const Policy&, const Policy&) = default;
};

// A signer a policy names in UpdatePolicySigners or SupplementalPolicySigners, with what signing
// code must compare against a certificate chain.
struct AuthorizedSigner {
    std::uint32_t index = 0;  // into Policy::signers
    SignerRule signer;
    std::vector<Bytes> eku_values;  // the raw values of its CertEKUs, in order
};

// Throws Error(input) when an index points past its table.
std::vector<AuthorizedSigner> update_policy_signers(const Policy& policy);
std::vector<AuthorizedSigner> supplemental_policy_signers(const Policy& policy);

// An EKU value "01 <len> <OID content>" as the DER OBJECT IDENTIFIER "06 <len> <OID content>".
// Throws Error(input) when the value does not have that form.
Bytes eku_value_to_oid_der(ByteView eku_value);

}  // namespace cipolicy::policy
