#include "check/rule_match.hpp"

#include "check/well_known_roots.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "policy/eku_value.hpp"
#include "policy/text.hpp"

namespace cipolicy::check {

namespace {

using policy::FileRule;
using policy::Version;

// The version condition of a FileName-level rule or FileAttrib (Microsoft's "Understand App
// Control policy rules and file rules": both bounds inclusive; a lone minimum is a floor for an
// allow and a ceiling for a deny). The compiled form has no "absent minimum": the compiler writes
// 0.0.0.0, or for a Deny without any version 65535.65535.65535.65535 (every version).
bool version_applies(const FileRule& rule, const FileFacts& file, Context context,
                     std::string& why) {
    const Version v = file.version;
    const std::string have = file.has_version ? v.to_string() : "0.0.0.0 (no version resource)";
    if (rule.maximum_version != Version{}) {
        const bool in = rule.minimum_version <= v && v <= rule.maximum_version;
        why = "version " + have + (in ? " is in " : " is outside ") +
              rule.minimum_version.to_string() + ".." + rule.maximum_version.to_string();
        return in;
    }
    if (context == Context::allow) {
        const bool in = v >= rule.minimum_version;
        why = "version " + have + (in ? " >= " : " < ") + rule.minimum_version.to_string();
        return in;
    }
    const bool in = v <= rule.minimum_version;
    why = rule.minimum_version == policy::kMaxVersion
              ? "any version"
              : "version " + have + (in ? " <= " : " > ") + rule.minimum_version.to_string();
    return in;
}

struct NamedHash {
    const char* name;
    const Bytes* value;
};

std::string u8(const std::u16string& s) {
    return policy::utf16_to_utf8(s);
}

}  // namespace

Match match_file_rule(const FileRule& rule, const FileFacts& file, Context context) {
    if (!rule.hash.empty()) {
        const pe::PeFile& pe = *file.pe;
        const NamedHash hashes[] = {{"Authenticode SHA1", &pe.authenticode_sha1},
                                    {"Authenticode SHA256", &pe.authenticode_sha256},
                                    {"first-page SHA1", &pe.page_sha1},
                                    {"first-page SHA256", &pe.page_sha256}};
        for (int i = 0; i < 4; ++i) {
            const auto& h = hashes[i];
            if (h.value->empty() || *h.value != rule.hash) continue;
            if (i >= 2 && !file.page_hashes_apply)
                return {Match::no, std::string("the file's ") + h.name +
                                       " equals the rule's Hash, but Windows uses page hashes "
                                       "only for a file whose signature covers it (this file is "
                                       "unsigned or changed after signing): not applied"};
            return {Match::yes, std::string("hash: the file's ") + h.name + " " +
                                    to_hex(rule.hash) + " equals the rule's Hash"};
        }
        return Match::none();
    }
    if (rule.file_path)
        return {Match::unknown, "FilePath rule " + u8(*rule.file_path) +
                                    ": where the file will be installed is known only on the "
                                    "machine"};
    if (rule.package_family_name) return Match::none();  // packaged apps, not PE files
    if (rule.file_name && *rule.file_name == u"*")
        return {Match::yes, "FileName=\"*\": every file"};

    struct Attribute {
        const policy::PolicyString* value;
        NameField field;
        const char* xml;
        const char* resource;
    };
    const Attribute attributes[] = {
        {&rule.file_name, NameField::original_filename, "FileName", "OriginalFilename"},
        {&rule.internal_name, NameField::internal_name, "InternalName", "InternalName"},
        {&rule.file_description, NameField::file_description, "FileDescription", "FileDescription"},
        {&rule.product_name, NameField::product_name, "ProductName", "ProductName"},
    };
    std::string why;
    bool any = false;
    for (const auto& a : attributes) {
        if (!*a.value) continue;
        any = true;
        const std::u16string& have = file.names[static_cast<int>(a.field)];
        if (have.empty() || have != upper(**a.value)) return Match::none();
        why += std::string(why.empty() ? "" : ", ") + a.xml + " \"" + u8(**a.value) +
               "\" matches the file's " + a.resource;
    }
    if (!any) return Match::none();
    std::string version_why;
    if (!version_applies(rule, file, context, version_why)) return Match::none();
    return {Match::yes, why + ", " + version_why};
}

Match match_signer(const policy::Policy& policy, const policy::SignerRule& signer,
                   const pe::Signature& signature, const FileFacts& file, Context context) {
    const auto& chain = signature.chain;
    if (chain.empty()) return Match::none();
    std::string why;
    Match root;
    if (const auto* tbs = std::get_if<policy::TbsRoot>(&signer.root)) {
        for (std::size_t i = 0; i < chain.size(); ++i) {
            if (!chain[i].tbs_hash.empty() && chain[i].tbs_hash == tbs->tbs_hash) {
                root = {Match::yes, "CertRoot TBS " + to_hex(tbs->tbs_hash) + " is chain[" +
                                        std::to_string(i) + "] " +
                                        (i == 0 ? "(the leaf) " : "(an issuer) ") + "\"" +
                                        chain[i].common_name + "\""};
                break;
            }
        }
    } else {
        root = chain_reaches_well_known_root(signature,
                                             std::get<policy::WellKnownRoot>(signer.root).id);
    }
    if (root.state == Match::no) return Match::none();
    why = root.why;

    const pe::ChainCertificate& leaf = chain.front();
    if (signer.cert_publisher) {
        const std::string want = u8(*signer.cert_publisher);
        if (leaf.common_name != want) return Match::none();
        why += ", CertPublisher \"" + want + "\" is the leaf's CN";
    }
    if (signer.cert_issuer) {
        const std::string want = u8(*signer.cert_issuer);
        if (leaf.issuer_common_name != want) return Match::none();
        why += ", CertIssuer \"" + want + "\" is the leaf's issuer CN";
    }
    if (signer.cert_oem_id) {
        const std::string want = u8(*signer.cert_oem_id);
        if (signature.opus_program_name != want) return Match::none();
        why += ", CertOemID \"" + want + "\" matches";
    }
    for (std::uint32_t e : signer.cert_ekus) {
        if (e >= policy.ekus.size()) return Match::none();
        const Bytes& value = policy.ekus[e].value;
        bool found = false;
        for (const auto& oid : leaf.ekus) {
            try {
                if (policy::oid_to_eku_value(oid) == value) {
                    found = true;
                    why += ", the leaf has CertEKU " + oid;
                    break;
                }
            } catch (const Error&) {
            }
        }
        if (!found) return Match::none();
    }
    if (!signer.file_attrib_refs.empty()) {
        std::string attrib_why;
        for (std::uint32_t r : signer.file_attrib_refs) {
            if (r >= policy.file_rules.size()) continue;
            const Match m = match_file_rule(policy.file_rules[r], file, context);
            if (m.state == Match::yes) {
                const auto& id = policy.file_rules[r].xml.id;
                attrib_why = ", FileAttribRef " +
                             (id.empty() ? "FileRules[" + std::to_string(r) + "]" : id) + ": " +
                             m.why;
                break;
            }
        }
        if (attrib_why.empty()) return Match::none();
        why += attrib_why;
    }
    if (signer.sign_time_after != 0 || root.state == Match::unknown) {
        if (signer.sign_time_after != 0)
            why += ", SignTimeAfter: the signing time Windows trusts is known only on the machine";
        return {Match::unknown, why};
    }
    return {Match::yes, why};
}

}  // namespace cipolicy::check
