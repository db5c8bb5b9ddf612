#include "policy/binary_writer.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include "core/error.hpp"
#include "policy/references.hpp"

namespace cipolicy::policy {
namespace {

[[noreturn]] void refuse(const std::string& problem) {
    throw Error(ExitCode::input, "policy: cannot write the binary: " + problem);
}

std::string item(const char* kind, std::size_t i) {
    return std::string(kind) + " " + std::to_string(i);
}

// What a field is called in a message ("file rule 12 FileName"), spelt out only when a message
// is made: a large policy writes tens of thousands of fields and refuses none.
struct What {
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    What(const char* name) : kind(name) {}  // a plain name, e.g. "Settings", converts
    What(const char* item_kind, std::size_t item_index) : kind(item_kind), index(item_index) {}
    What(const char* item_kind, const std::string& item_id) : kind(item_kind), id(&item_id) {}
    What then(const char* field) const {
        What w = *this;
        (part ? w.sub : w.part) = field;
        return w;
    }
    std::string text() const {
        std::string t = id               ? std::string(kind) + " " + *id
                        : index == kNone ? std::string(kind)
                                         : item(kind, index);
        for (const char* f : {part, sub})
            if (f) t += std::string(" ") + f;
        return t;
    }
    const char* kind;
    std::size_t index = kNone;
    const std::string* id = nullptr;  // the XML ID, when the policy came from XML
    const char* part = nullptr;
    const char* sub = nullptr;
};

class Sink {
  public:
    // The buffer is reserved once (expected_binary_size) and claimed a chunk at a time: a value
    // is then one store, not a vector insert, and a generous guess touches no pages.
    explicit Sink(std::size_t expected_size) { out_.reserve(expected_size); }

    void u32(std::uint32_t v) {
        const std::uint8_t le[4] = {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8),
                                    static_cast<std::uint8_t>(v >> 16),
                                    static_cast<std::uint8_t>(v >> 24)};
        std::memcpy(claim(4), le, 4);
    }
    void u64(std::uint64_t v) {
        u32(static_cast<std::uint32_t>(v));
        u32(static_cast<std::uint32_t>(v >> 32));
    }
    void version(const Version& v) { u64(v.to_u64()); }
    void guid(const Guid& g) { bytes(g.bytes()); }
    void count(std::size_t n, const What& what) {
        if (n > std::numeric_limits<std::uint32_t>::max())
            refuse(what.text() + " has too many entries");
        u32(static_cast<std::uint32_t>(n));
    }
    void blob(ByteView b, const What& what) {
        count(b.size(), what);
        bytes(b);
        pad(b.size());
    }
    void string(const PolicyString& s, const What& what) {
        if (!s) {
            u32(0);
        } else {
            // Empty and absent share one encoding; writing it would turn present into absent.
            if (s->empty()) refuse(what.text() + " is present but empty (make it absent)");
            count(s->size() * 2, what);
            std::uint8_t* to = claim(s->size() * 2);
            for (char16_t c : *s) {
                *to++ = static_cast<std::uint8_t>(c);
                *to++ = static_cast<std::uint8_t>(c >> 8);
            }
            pad(s->size() * 2);
        }
        u32(0);
    }
    void list(const std::vector<std::uint32_t>& values, const What& what) {
        count(values.size(), what);
        for (auto v : values) u32(v);
    }
    Bytes take() {
        out_.resize(used_);
        return std::move(out_);
    }

  private:
    // `n` bytes at the end of what is written, to be filled by the caller.
    std::uint8_t* claim(std::size_t n) {
        if (out_.size() - used_ < n) grow(n);
        std::uint8_t* at = out_.data() + used_;
        used_ += n;
        return at;
    }
    void grow(std::size_t n) {
        constexpr std::size_t kChunk = 64 * 1024;
        out_.resize(std::max(used_ + n, out_.size() + kChunk));
    }
    void bytes(ByteView b) {
        if (!b.empty()) std::memcpy(claim(b.size()), b.data(), b.size());
    }
    void pad(std::size_t length) {
        const std::size_t n = (4 - length % 4) % 4;
        if (n) std::memset(claim(n), 0, n);
    }
    Bytes out_;  // out_.size() bytes claimed (zeroed); the first used_ written
    std::size_t used_ = 0;
};

// Calls need(minimum format, what) for everything in the policy that only newer formats store.
template <typename Need>
void for_each_versioned_field(const Policy& p, Need need) {
    for (std::size_t i = 0; i < p.file_rules.size(); ++i) {
        const auto& r = p.file_rules[i];
        const What w = r.xml.id.empty() ? What{"file rule", i} : What{"file rule", r.xml.id};
        if (r.maximum_version != Version{}) need(3, w.then("MaximumFileVersion"));
        if (!r.app_ids.empty()) need(3, w.then("AppIDs"));
        if (r.internal_name || r.file_description || r.product_name)
            need(4, w.then("InternalName, FileDescription or ProductName"));
        if (r.package_family_name || r.package_version != Version{})
            need(5, w.then("PackageFamilyName or PackageVersion"));
        if (r.file_path) need(7, w.then("FilePath"));
    }
    for (std::size_t i = 0; i < p.signers.size(); ++i) {
        const auto& s = p.signers[i];
        const What w = s.xml.id.empty() ? What{"signer", i} : What{"signer", s.xml.id};
        if (s.sign_time_after != 0) need(3, w.then("SignTimeAfter"));
        if (!s.artifact_rule_refs.empty()) need(10, w.then("ArtifactRuleRef"));
        if (!s.except_cert_ekus.empty()) need(11, w.then("CertEKU Condition=\"Except\""));
    }
    for (const auto& h : p.hotpatch) {
        const bool named = h.base < p.file_rules.size() && !p.file_rules[h.base].xml.id.empty();
        need(9, named ? What{"file rule", p.file_rules[h.base].xml.id}.then("RequireHotpatchID")
                      : What{"file rule", h.base}.then("RequireHotpatchID"));
    }
    for (std::size_t i = 0; i < p.artifact_rules.size(); ++i) {
        const auto& a = p.artifact_rules[i];
        need(10, a.xml.id.empty() ? What{"ArtifactRule", i} : What{"ArtifactRule", a.xml.id});
    }
    for (std::size_t i = 0; i < p.signing_scenarios.size(); ++i) {
        const auto& sc = p.signing_scenarios[i];
        if (sc.artifact_signers != ArtifactSignerGroup{})
            need(10, sc.xml.id.empty()
                         ? What{"signing scenario", i}.then("ArtifactSigners")
                         : What{"signing scenario", sc.xml.id}.then("ArtifactSigners"));
    }
    if (p.is_multiple_policy_format())
        need(6, What{"the multiple-policy format (PolicyID/BasePolicyID)"});
    if (!p.supplemental_policy_signers.empty()) need(6, What{"SupplementalPolicySigners"});
}

// Fields a format version has no place for would be dropped silently; refuse instead.
void check_fits_format(const Policy& p) {
    const std::uint32_t f = p.format_version;
    if (f < 1 || f > kLatestFormatVersion)
        refuse("format version " + std::to_string(f) + " is not supported (expected 1 to " +
               std::to_string(kLatestFormatVersion) + ")");
    for_each_versioned_field(p, [&](std::uint32_t minimum, const What& what) {
        if (f < minimum)
            refuse("format version " + std::to_string(f) + " cannot store " + what.text() +
                   " (needs format " + std::to_string(minimum) + " or later)");
    });
}

// A size the binary will not exceed for all but unusual policies, so that its buffer is allocated
// once: file rules are nearly all of a large policy. Only the pages written are ever touched, so
// a generous guess costs nothing.
std::size_t expected_binary_size(const Policy& p) {
    std::size_t size = 4096 + 512 * (p.signers.size() + p.settings.size() + p.ekus.size());
    for (const auto& r : p.file_rules) {
        size += 96 + r.hash.size() + 8 * r.app_ids.size();
        for (const auto* s : {&r.file_name, &r.internal_name, &r.file_description, &r.product_name,
                              &r.package_family_name, &r.file_path})
            if (*s) size += 2 * (*s)->size() + 8;
        for (const auto& a : r.app_ids)
            if (a) size += 2 * a->size() + 8;
    }
    for (const auto& s : p.signers) size += 4 * (s.file_attrib_refs.size() + s.cert_ekus.size());
    for (const auto& sc : p.signing_scenarios)
        for (const auto* g : {&sc.product_signers, &sc.test_signers, &sc.test_signing_signers})
            size += 4 * g->file_rules_ref.size() + 64 * (g->allowed.size() + g->denied.size());
    return size;
}

class Writer {
  public:
    explicit Writer(const Policy& p) : p_(p), out_(expected_binary_size(p)) {}

    Bytes write() {
        header();
        for (std::size_t i = 0; i < p_.ekus.size(); ++i)
            out_.blob(p_.ekus[i].value, What{"EKU", i});
        for (std::size_t i = 0; i < p_.file_rules.size(); ++i) file_rule(i);
        for (std::size_t i = 0; i < p_.signers.size(); ++i) signer(i);
        out_.list(p_.update_policy_signers, "UpdatePolicySigners");
        out_.list(p_.ci_signers, "CiSigners");
        for (std::size_t i = 0; i < p_.signing_scenarios.size(); ++i) scenario(i);
        out_.u32(p_.hvci_options);
        out_.count(p_.settings.size(), "Settings");
        for (std::size_t i = 0; i < p_.settings.size(); ++i) setting(i);
        for (std::uint32_t tag = 3; tag <= p_.format_version; ++tag) {
            out_.u32(tag);
            block(tag);
        }
        out_.u32(p_.format_version + 1);
        return out_.take();
    }

  private:
    void header() {
        out_.u32(p_.format_version);
        out_.guid(p_.header_id());
        out_.guid(p_.platform_id);
        out_.u32(p_.options.word());
        out_.count(p_.ekus.size(), "EKUs");
        out_.count(p_.file_rules.size(), "FileRules");
        out_.count(p_.signers.size(), "Signers");
        out_.count(p_.signing_scenarios.size(), "SigningScenarios");
        out_.version(p_.version);
        out_.u32(0x40);  // header length
    }

    void file_rule(std::size_t i) {
        const auto& r = p_.file_rules[i];
        const What w{"file rule", i};
        out_.u32(static_cast<std::uint32_t>(r.type));
        out_.string(r.file_name, w.then("FileName"));
        out_.version(r.minimum_version);
        out_.blob(r.hash, w.then("Hash"));
    }

    void signer(std::size_t i) {
        const auto& s = p_.signers[i];
        const What w{"signer", i};
        if (const auto* tbs = std::get_if<TbsRoot>(&s.root)) {
            out_.u32(0);
            out_.blob(tbs->tbs_hash, w.then("CertRoot"));
        } else {
            out_.u32(1);
            out_.u32(std::get<WellKnownRoot>(s.root).id);
        }
        out_.list(s.cert_ekus, w.then("CertEKU"));
        out_.string(s.cert_issuer, w.then("CertIssuer"));
        out_.string(s.cert_publisher, w.then("CertPublisher"));
        out_.string(s.cert_oem_id, w.then("CertOemID"));
        out_.list(s.file_attrib_refs, w.then("FileAttribRef"));
    }

    template <typename Group>
    void signers_of(const Group& g, const What& w) {
        out_.count(g.allowed.size(), w.then("AllowedSigners"));
        for (const auto& a : g.allowed) {
            out_.u32(a.signer);
            out_.list(a.except_deny_rules, w.then("ExceptDenyRule"));
        }
        out_.count(g.denied.size(), w.then("DeniedSigners"));
        for (const auto& d : g.denied) {
            out_.u32(d.signer);
            out_.list(d.except_allow_rules, w.then("ExceptAllowRule"));
        }
    }
    void group(const SignerGroup& g, const What& w) {
        signers_of(g, w);
        out_.list(g.file_rules_ref, w.then("FileRulesRef"));
    }

    void scenario(std::size_t i) {
        const auto& s = p_.signing_scenarios[i];
        const What w{"signing scenario", i};
        out_.u32(s.value);
        out_.list(s.inherited_scenarios, w.then("InheritedScenarios"));
        out_.u32(s.minimum_hash_algorithm);
        group(s.product_signers, w.then("ProductSigners"));
        group(s.test_signers, w.then("TestSigners"));
        group(s.test_signing_signers, w.then("TestSigningSigners"));
    }

    void setting(std::size_t i) {
        const auto& s = p_.settings[i];
        const What w{"secure setting", i};
        out_.string(s.provider, w.then("Provider"));
        out_.string(s.key, w.then("Key"));
        out_.string(s.value_name, w.then("ValueName"));
        out_.u32(static_cast<std::uint32_t>(s.value.index()));
        switch (s.value.index()) {
            case 0:
                out_.u32(std::get<bool>(s.value) ? 1 : 0);
                break;
            case 1:
                out_.u32(std::get<std::uint32_t>(s.value));
                break;
            case 2:
                out_.blob(std::get<Bytes>(s.value), w.then("value"));
                break;
            case 3:
                out_.string(std::get<PolicyString>(s.value), w.then("value"));
                break;
        }
    }

    void block(std::uint32_t tag) {
        const auto& rules = p_.file_rules;
        switch (tag) {
            case 3:
                for (std::size_t i = 0; i < rules.size(); ++i) {
                    out_.version(rules[i].maximum_version);
                    out_.count(rules[i].app_ids.size(), What{"file rule", i}.then("AppIDs"));
                    for (const auto& id : rules[i].app_ids)
                        out_.string(id, What{"file rule", i}.then("AppID"));
                }
                for (const auto& s : p_.signers) out_.u64(s.sign_time_after);
                break;
            case 4:
                for (std::size_t i = 0; i < rules.size(); ++i) {
                    const What w{"file rule", i};
                    out_.string(rules[i].internal_name, w.then("InternalName"));
                    out_.string(rules[i].file_description, w.then("FileDescription"));
                    out_.string(rules[i].product_name, w.then("ProductName"));
                }
                break;
            case 5:
                for (std::size_t i = 0; i < rules.size(); ++i) {
                    out_.string(rules[i].package_family_name,
                                What{"file rule", i}.then("PackageFamilyName"));
                    out_.version(rules[i].package_version);
                }
                break;
            case 6:
                out_.guid(p_.policy_id());
                out_.guid(p_.base_policy_id());
                out_.list(p_.supplemental_policy_signers, "SupplementalPolicySigners");
                break;
            case 7:
                for (std::size_t i = 0; i < rules.size(); ++i)
                    out_.string(rules[i].file_path, What{"file rule", i}.then("FilePath"));
                break;
            case 8:
                out_.u32(0);
                break;  // AppSettings: not modelled, see model.hpp
            case 9:
                out_.count(p_.hotpatch.size(), "RequireHotpatchID");
                for (const auto& h : p_.hotpatch) {
                    out_.u32(h.base);
                    out_.u32(h.target);
                    out_.u32(h.minimum_sequence);
                    out_.u32(h.maximum_sequence);
                }
                break;
            case 10:
                artifacts();
                break;
            case 11: {
                std::size_t n = 0;
                for (const auto& s : p_.signers) n += s.except_cert_ekus.empty() ? 0 : 1;
                out_.count(n, "CertEKU conditions");
                for (std::size_t i = 0; i < p_.signers.size(); ++i) {
                    if (p_.signers[i].except_cert_ekus.empty()) continue;
                    out_.u32(static_cast<std::uint32_t>(i));
                    out_.list(p_.signers[i].except_cert_ekus,
                              What{"signer", i}.then("CertEKU Condition=\"Except\""));
                }
                break;
            }
        }
    }

    void artifacts() {
        out_.count(p_.artifact_rules.size(), "ArtifactRules");
        for (std::size_t i = 0; i < p_.artifact_rules.size(); ++i) {
            const auto& a = p_.artifact_rules[i];
            const What w{"ArtifactRule", i};
            out_.u32(static_cast<std::uint32_t>(a.type));
            out_.u32(static_cast<std::uint32_t>(a.action));
            out_.string(a.name, w.then("ArtifactName"));
            out_.string(a.description, w.then("ArtifactDescription"));
            out_.version(a.minimum_version);
            out_.version(a.maximum_version);
            out_.blob(a.hash, w.then("ArtifactHash"));
        }
        std::size_t n = 0;
        for (const auto& s : p_.signers) n += s.artifact_rule_refs.empty() ? 0 : 1;
        out_.count(n, "signers' ArtifactRuleRefs");
        for (std::size_t i = 0; i < p_.signers.size(); ++i) {
            if (p_.signers[i].artifact_rule_refs.empty()) continue;
            out_.u32(static_cast<std::uint32_t>(i));
            out_.list(p_.signers[i].artifact_rule_refs, What{"signer", i}.then("ArtifactRuleRef"));
        }
        for (std::size_t i = 0; i < p_.signing_scenarios.size(); ++i) {
            const auto& g = p_.signing_scenarios[i].artifact_signers;
            const What w = What{"signing scenario", i}.then("ArtifactSigners");
            signers_of(g, w);
            out_.list(g.artifact_rules_ref, w.then("ArtifactRulesRef"));
        }
    }

    const Policy& p_;
    Sink out_;
};

}  // namespace

std::uint32_t minimum_format_version(const Policy& policy) {
    std::uint32_t f = 1;
    for_each_versioned_field(policy,
                             [&](std::uint32_t minimum, const What&) { f = std::max(f, minimum); });
    return f;
}

Bytes write_policy_binary(const Policy& policy) {
    check_fits_format(policy);
    for (std::size_t i = 0; i < policy.file_rules.size(); ++i)
        if (static_cast<std::uint32_t>(policy.file_rules[i].type) > 2)
            refuse(item("file rule", i) + " has an unknown type");
    check_references(policy);
    return Writer(policy).write();
}

}  // namespace cipolicy::policy
