#include "policy/binary_reader.hpp"

#include <string>

#include "policy/binary_cursor.hpp"
#include "policy/policy_types.hpp"

namespace cipolicy::policy {
namespace {

// The smallest encoding of one item of each counted table, used to reject counts that cannot fit
// before allocating for them.
constexpr std::size_t kMinEku = 4;                   // empty blob
constexpr std::size_t kMinFileRule = 4 + 8 + 8 + 4;  // type, absent name, version, empty hash
constexpr std::size_t kMinSigner = 4 + 4 + 4 + 3 * 8 + 4;
constexpr std::size_t kMinGroup = 3 * 4;
constexpr std::size_t kMinScenario = 4 + 4 + 4 + 3 * kMinGroup;
constexpr std::size_t kMinScenarioSigner = 4 + 4;  // index, empty exception list
constexpr std::size_t kMinSetting = 3 * 8 + 4 + 4;
constexpr std::size_t kMinString = 8;

constexpr std::uint32_t kHeaderLength = 0x40;

std::string item(const char* kind, std::size_t i) {
    return std::string(kind) + " " + std::to_string(i);
}

class Reader {
  public:
    explicit Reader(ByteView data) : in_(data) {}

    Policy read() {
        header();
        for (std::uint32_t i = 0; i < counts_[0]; ++i)
            p_.ekus.push_back(Eku{{}, in_.blob(item("EKU", i))});
        for (std::uint32_t i = 0; i < counts_[1]; ++i) p_.file_rules.push_back(file_rule(i));
        for (std::uint32_t i = 0; i < counts_[2]; ++i) p_.signers.push_back(signer(i));
        p_.update_policy_signers =
            in_.index_list("UpdatePolicySigner", p_.signers.size(), "signers");
        p_.ci_signers = in_.index_list("CiSigner", p_.signers.size(), "signers");
        for (std::uint32_t i = 0; i < counts_[3]; ++i) p_.signing_scenarios.push_back(scenario(i));
        p_.hvci_options = in_.u32("HvciOptions");
        const std::uint32_t settings = in_.count("secure setting count", kMinSetting);
        for (std::uint32_t i = 0; i < settings; ++i) p_.settings.push_back(setting(i));
        versioned_blocks();
        return std::move(p_);
    }

  private:
    void header() {
        const std::size_t version_at = in_.offset();
        p_.format_version = in_.u32("format version");
        if (p_.format_version < 1 || p_.format_version > kLatestFormatVersion)
            in_.fail(version_at, "format version " + std::to_string(p_.format_version) +
                                     " is not supported (expected 1 to " +
                                     std::to_string(kLatestFormatVersion) + ")");
        header_id_ = in_.guid("PolicyTypeID or BasePolicyID");
        p_.identity = SinglePolicyFormat{header_id_};
        p_.platform_id = in_.guid("PlatformID");
        p_.options = RuleOptions(in_.u32("option flags"));
        static constexpr const char* kCountNames[4] = {"EKU count", "file rule count",
                                                       "signer count", "signing scenario count"};
        std::size_t count_at[4];
        for (int i = 0; i < 4; ++i) {
            count_at[i] = in_.offset();
            counts_[i] = in_.u32(kCountNames[i]);
        }
        p_.version = in_.version("VersionEx");
        in_.expect_u32(kHeaderLength, "header length field");
        static constexpr std::size_t kMinSizes[4] = {kMinEku, kMinFileRule, kMinSigner,
                                                     kMinScenario};
        for (int i = 0; i < 4; ++i)
            in_.check_count(count_at[i], kCountNames[i], counts_[i], kMinSizes[i]);
    }

    FileRule file_rule(std::uint32_t i) {
        const std::string w = item("file rule", i);
        FileRule r;
        const std::size_t type_at = in_.offset();
        const std::uint32_t type = in_.u32(w + " type");
        if (type > 2)
            in_.fail(type_at, w + " type is " + std::to_string(type) +
                                  ", expected 0 (Deny), 1 (Allow) or 2 (FileAttrib)");
        r.type = static_cast<FileRuleType>(type);
        r.file_name = in_.string(w + " FileName");
        r.minimum_version = in_.version(w + " MinimumFileVersion");
        r.hash = in_.blob(w + " Hash");
        return r;
    }

    SignerRule signer(std::uint32_t i) {
        const std::string w = item("signer", i);
        SignerRule s;
        const std::size_t type_at = in_.offset();
        const std::uint32_t root_type = in_.u32(w + " CertRoot type");
        if (root_type == 0)
            s.root = TbsRoot{in_.blob(w + " CertRoot TBS")};
        else if (root_type == 1)
            s.root = WellKnownRoot{in_.u32(w + " CertRoot well-known id")};
        else
            in_.fail(type_at, w + " CertRoot type is " + std::to_string(root_type) +
                                  ", expected 0 (TBS) or 1 (Wellknown)");
        s.cert_ekus = in_.index_list(w + " CertEKU", p_.ekus.size(), "EKUs");
        s.cert_issuer = in_.string(w + " CertIssuer");
        s.cert_publisher = in_.string(w + " CertPublisher");
        s.cert_oem_id = in_.string(w + " CertOemID");
        s.file_attrib_refs =
            in_.index_list(w + " FileAttribRef", p_.file_rules.size(), "file rules");
        return s;
    }

    template <typename Group>
    void signers_of(Group& g, const std::string& w) {
        const std::uint32_t allowed = in_.count(w + " AllowedSigner count", kMinScenarioSigner);
        for (std::uint32_t k = 0; k < allowed; ++k) {
            AllowedSigner a;
            a.signer = in_.index(w + " AllowedSigner", p_.signers.size(), "signers");
            a.except_deny_rules =
                in_.index_list(w + " ExceptDenyRule", p_.file_rules.size(), "file rules");
            g.allowed.push_back(std::move(a));
        }
        const std::uint32_t denied = in_.count(w + " DeniedSigner count", kMinScenarioSigner);
        for (std::uint32_t k = 0; k < denied; ++k) {
            DeniedSigner d;
            d.signer = in_.index(w + " DeniedSigner", p_.signers.size(), "signers");
            d.except_allow_rules =
                in_.index_list(w + " ExceptAllowRule", p_.file_rules.size(), "file rules");
            g.denied.push_back(std::move(d));
        }
    }
    SignerGroup group(const std::string& w) {
        SignerGroup g;
        signers_of(g, w);
        g.file_rules_ref = in_.index_list(w + " FileRulesRef", p_.file_rules.size(), "file rules");
        return g;
    }

    SigningScenario scenario(std::uint32_t i) {
        const std::string w = item("signing scenario", i);
        SigningScenario s;
        s.value = in_.u32(w + " value");
        s.inherited_scenarios = in_.u32_list(w + " InheritedScenarios");
        s.minimum_hash_algorithm = in_.u32(w + " MinimumHashAlgorithm");
        s.product_signers = group(w + " ProductSigners");
        s.test_signers = group(w + " TestSigners");
        s.test_signing_signers = group(w + " TestSigningSigners");
        return s;
    }

    SecureSetting setting(std::uint32_t i) {
        const std::string w = item("secure setting", i);
        SecureSetting s;
        s.provider = in_.string(w + " Provider");
        s.key = in_.string(w + " Key");
        s.value_name = in_.string(w + " ValueName");
        const std::size_t type_at = in_.offset();
        const std::uint32_t type = in_.u32(w + " value type");
        switch (type) {
            case 0: {
                const std::size_t at = in_.offset();
                const std::uint32_t b = in_.u32(w + " boolean value");
                // Only 0 and 1 survive a round trip through bool.
                if (b > 1)
                    in_.fail(at,
                             w + " boolean value is " + std::to_string(b) + ", expected 0 or 1");
                s.value = b == 1;
                break;
            }
            case 1:
                s.value = in_.u32(w + " DWORD value");
                break;
            case 2:
                s.value = in_.blob(w + " binary value");
                break;
            case 3:
                s.value = in_.string(w + " string value");
                break;
            default:
                in_.fail(type_at,
                         w + " value type is " + std::to_string(type) +
                             ", expected 0 (boolean), 1 (DWORD), 2 (binary) or 3 (string)");
        }
        return s;
    }

    void versioned_blocks() {
        const std::uint32_t format = p_.format_version;
        for (std::uint32_t tag = 3; tag <= format; ++tag) {
            const std::size_t tag_at = in_.offset();
            const std::uint32_t found = in_.u32("versioned block tag " + std::to_string(tag));
            if (found != tag)
                in_.fail(tag_at, "versioned block tag is " + std::to_string(found) + ", expected " +
                                     std::to_string(tag) + " (format version " +
                                     std::to_string(format) + ")");
            block(tag);
        }
        const std::size_t end_at = in_.offset();
        const std::uint32_t end = in_.u32("end tag");
        if (end != format + 1)
            in_.fail(end_at, "end tag is " + std::to_string(end) + ", expected " +
                                 std::to_string(format + 1) + " (format version + 1)");
        if (in_.remaining() != 0)
            in_.fail(in_.offset(),
                     std::to_string(in_.remaining()) + " trailing bytes after the end tag");
    }

    void block(std::uint32_t tag) {
        switch (tag) {
            case 3:
                for (std::size_t i = 0; i < p_.file_rules.size(); ++i) {
                    const std::string w = item("file rule", i);
                    auto& r = p_.file_rules[i];
                    r.maximum_version = in_.version(w + " MaximumFileVersion");
                    const std::uint32_t n = in_.count(w + " AppIDs count", kMinString);
                    for (std::uint32_t k = 0; k < n; ++k)
                        r.app_ids.push_back(in_.string(w + " AppID"));
                }
                for (std::size_t i = 0; i < p_.signers.size(); ++i)
                    p_.signers[i].sign_time_after = in_.u64(item("signer", i) + " SignTimeAfter");
                break;
            case 4:
                for (std::size_t i = 0; i < p_.file_rules.size(); ++i) {
                    const std::string w = item("file rule", i);
                    auto& r = p_.file_rules[i];
                    r.internal_name = in_.string(w + " InternalName");
                    r.file_description = in_.string(w + " FileDescription");
                    r.product_name = in_.string(w + " ProductName");
                }
                break;
            case 5:
                for (std::size_t i = 0; i < p_.file_rules.size(); ++i) {
                    const std::string w = item("file rule", i);
                    auto& r = p_.file_rules[i];
                    r.package_family_name = in_.string(w + " PackageFamilyName");
                    r.package_version = in_.version(w + " PackageVersion");
                }
                break;
            case 6:
                identity_block();
                break;
            case 7:
                for (std::size_t i = 0; i < p_.file_rules.size(); ++i)
                    p_.file_rules[i].file_path = in_.string(item("file rule", i) + " FilePath");
                break;
            case 8: {
                const std::size_t at = in_.offset();
                const std::uint32_t n = in_.u32("AppSettings count");
                if (n != 0)
                    in_.fail(at, "AppSettings count is " + std::to_string(n) +
                                     "; AppSettings are not supported yet");
                break;
            }
            case 9:
                hotpatch_block();
                break;
            case 10:
                artifact_block();
                break;
            case 11:
                cert_eku_condition_block();
                break;
        }
    }

    void hotpatch_block() {
        const std::uint32_t n = in_.count("RequireHotpatchID count", 16);
        for (std::uint32_t k = 0; k < n; ++k) {
            const std::string w = item("RequireHotpatchID", k);
            HotpatchRequirement h;
            h.base = in_.index(w + " base rule", p_.file_rules.size(), "file rules");
            h.target = in_.index(w + " target rule", p_.file_rules.size(), "file rules");
            h.minimum_sequence = in_.u32(w + " MinimumHotpatchSequence");
            h.maximum_sequence = in_.u32(w + " MaximumHotpatchSequence");
            p_.hotpatch.push_back(h);
        }
    }

    void artifact_block() {
        constexpr std::size_t kMinArtifact = 4 + 4 + 8 + 8 + 8 + 8 + 4;
        const std::uint32_t n = in_.count("ArtifactRule count", kMinArtifact);
        for (std::uint32_t k = 0; k < n; ++k) {
            const std::string w = item("ArtifactRule", k);
            ArtifactRule a;
            const std::size_t type_at = in_.offset();
            const std::uint32_t type = in_.u32(w + " ArtifactType");
            if (type > 1)
                in_.fail(type_at, w + " ArtifactType is " + std::to_string(type) +
                                      ", expected 0 (CIM) or 1 (Catalog)");
            const std::size_t action_at = in_.offset();
            const std::uint32_t action = in_.u32(w + " Action");
            if (action > 1)
                in_.fail(action_at, w + " Action is " + std::to_string(action) +
                                        ", expected 0 (Deny) or 1 (Allow)");
            a.type = static_cast<ArtifactType>(type);
            a.action = static_cast<ArtifactAction>(action);
            a.name = in_.string(w + " ArtifactName");
            a.description = in_.string(w + " ArtifactDescription");
            a.minimum_version = in_.version(w + " MinimumVersion");
            a.maximum_version = in_.version(w + " MaximumVersion");
            a.hash = in_.blob(w + " ArtifactHash");
            p_.artifact_rules.push_back(std::move(a));
        }
        const std::uint32_t refs = in_.count("signer ArtifactRuleRef count", 8);
        for (std::uint32_t k = 0; k < refs; ++k) {
            const std::size_t at = in_.offset();
            const std::uint32_t i =
                in_.index("signer with ArtifactRuleRefs", p_.signers.size(), "signers");
            auto& list = p_.signers[i].artifact_rule_refs;
            if (!list.empty()) in_.fail(at, item("signer", i) + " has ArtifactRuleRefs twice");
            list = in_.index_list(item("signer", i) + " ArtifactRuleRef", p_.artifact_rules.size(),
                                  "artifact rules");
            // Writers list only signers that have some: an empty entry would not survive.
            if (list.empty())
                in_.fail(at, item("signer", i) + " has an empty ArtifactRuleRef list");
        }
        for (std::size_t i = 0; i < p_.signing_scenarios.size(); ++i) {
            const std::string w = item("signing scenario", i) + " ArtifactSigners";
            auto& g = p_.signing_scenarios[i].artifact_signers;
            signers_of(g, w);
            g.artifact_rules_ref =
                in_.index_list(w + " ArtifactRulesRef", p_.artifact_rules.size(), "artifact rules");
        }
    }

    void cert_eku_condition_block() {
        const std::uint32_t n = in_.count("CertEKU condition count", 8);
        for (std::uint32_t k = 0; k < n; ++k) {
            const std::size_t at = in_.offset();
            const std::uint32_t i =
                in_.index("signer with CertEKU conditions", p_.signers.size(), "signers");
            auto& list = p_.signers[i].except_cert_ekus;
            if (!list.empty()) in_.fail(at, item("signer", i) + " has CertEKU conditions twice");
            list = in_.index_list(item("signer", i) + " CertEKU Condition=Except", p_.ekus.size(),
                                  "EKUs");
            if (list.empty())
                in_.fail(at, item("signer", i) + " has an empty CertEKU condition list");
        }
    }

    void identity_block() {
        const Guid policy_id = in_.guid("PolicyID");
        const std::size_t base_at = in_.offset();
        const Guid base_id = in_.guid("BasePolicyID");
        if (base_id != header_id_)
            in_.fail(base_at, "BasePolicyID " + base_id.to_string() +
                                  " differs from the header's " + header_id_.to_string());
        if (policy_id == base_id && policy_type_name(policy_id))
            p_.identity = SinglePolicyFormat{policy_id};
        else
            p_.identity = MultiplePolicyFormat{policy_id, base_id};
        p_.supplemental_policy_signers =
            in_.index_list("SupplementalPolicySigner", p_.signers.size(), "signers");
    }

    BinaryCursor in_;
    Policy p_;
    Guid header_id_;
    std::uint32_t counts_[4] = {};
};

}  // namespace

Policy read_policy_binary(ByteView data) {
    return Reader(data).read();
}

}  // namespace cipolicy::policy
