#include "scan/rule_set.hpp"

#include "core/bytes.hpp"
#include "crypto/digest.hpp"

namespace cipolicy::scan {

namespace {

// IDs are derived from what a rule says, never from a counter: a rescan of the same files gives
// the same IDs, and a rebuilt file changes only its own rules.
std::string content_id(const char* prefix, const std::string& content) {
    const Bytes h = crypto::hash(
        crypto::DigestAlgorithm::sha256,
        ByteView(reinterpret_cast<const std::uint8_t*>(content.data()), content.size()));
    return prefix + to_hex(ByteView(h.data(), 8));
}

ScenarioRules& scenario(RuleSet& rules, const pe::PeFile& file) {
    return file.mode == pe::Mode::kernel ? rules.kernel : rules.user;
}

std::string version_text(const std::array<std::uint16_t, 4>& v) {
    return std::to_string(v[0]) + "." + std::to_string(v[1]) + "." + std::to_string(v[2]) + "." +
           std::to_string(v[3]);
}

std::string add_file_rule(RuleSet& rules, const pe::PeFile& file, FileRuleXml rule) {
    std::string content = std::string(rule.file_attrib ? "attrib" : "allow") + "|" +
                          rule.file_name + "|" + rule.minimum_file_version + "|" + rule.hash + "|" +
                          rule.file_path;
    rule.id = content_id(rule.file_attrib ? "ID_FILEATTRIB_F_" : "ID_ALLOW_A_", content);
    if (!rule.file_attrib) scenario(rules, file).file_rules.insert(rule.id);
    std::string id = rule.id;
    rules.file_rules.emplace(id, std::move(rule));
    return id;
}

// The signer whose rules a level uses, or why there is none.
struct SignerChoice {
    const pe::Signature* signature = nullptr;
    std::string reason;
};

SignerChoice usable_signature(const pe::PeFile& file) {
    if (file.signatures.empty()) return {nullptr, "the file is not signed"};
    const pe::Signature& s = file.signatures.front();
    if (!s.problem.empty()) return {nullptr, "its signature cannot be read (" + s.problem + ")"};
    if (!s.digest_matches || !s.signature_valid)
        return {nullptr, "its signature does not match the file (changed after signing?)"};
    if (s.chain.empty()) return {nullptr, "its signature carries no signer certificate"};
    if (s.chain.front().key_algorithm != pe::KeyAlgorithm::rsa)
        return {nullptr,
                "it is signed with a non-RSA (ECDSA) key, which Windows App Control "
                "cannot use"};
    return {&s, {}};
}

// The issuing CA (one above the leaf): what Publisher-type rules name.
const pe::ChainCertificate* issuing_ca(const pe::Signature& s, std::string& reason) {
    if (s.chain.size() < 2) {
        reason = "its signature does not carry the issuing CA certificate";
        return nullptr;
    }
    if (s.chain[1].tbs_hash.empty()) {
        reason = "the issuing CA's signature algorithm has no TBS hash";
        return nullptr;
    }
    return &s.chain[1];
}

void add_signer(RuleSet& rules, const pe::PeFile& file, SignerXml signer,
                const std::set<std::string>& attribs) {
    const ScenarioRules& sc = scenario(rules, file);
    const std::string content = std::string(&sc == &rules.kernel ? "131" : "12") + "|" +
                                signer.tbs + "|" + (signer.whql_eku ? "whql" : "") + "|" +
                                signer.publisher + "|" + signer.oem_id + "|" +
                                (attribs.empty() ? "" : "attribs");
    signer.id = content_id("ID_SIGNER_S_", content);
    auto [it, added] = rules.signers.emplace(signer.id, std::move(signer));
    it->second.file_attrib_ids.insert(attribs.begin(), attribs.end());
    scenario(rules, file).allowed_signers.insert(it->first);
}

}  // namespace

std::string add_rules(RuleSet& rules, const pe::PeFile& file, const std::string& file_name,
                      const std::string& relative, Level level) {
    const pe::VersionInfo& v = file.version;
    switch (level) {
        case Level::hash: {
            const std::pair<const char*, const Bytes*> hashes[] = {
                {" Hash Sha1", &file.authenticode_sha1},
                {" Hash Sha256", &file.authenticode_sha256},
                {" Hash Page Sha1", &file.page_sha1},
                {" Hash Page Sha256", &file.page_sha256}};
            for (const auto& [suffix, hash] : hashes) {
                FileRuleXml r;
                r.friendly_name = file_name + suffix;
                r.hash = to_hex(*hash);
                add_file_rule(rules, file, std::move(r));
            }
            return {};
        }
        case Level::file_name: {
            if (v.original_filename.empty()) return "it has no OriginalFilename in VERSIONINFO";
            FileRuleXml r;
            r.friendly_name = file_name + " FileRule";
            r.file_name = v.original_filename;
            if (v.file_version) r.minimum_file_version = version_text(*v.file_version);
            add_file_rule(rules, file, std::move(r));
            return {};
        }
        case Level::file_path: {
            if (file.mode == pe::Mode::kernel)
                return "FilePath rules apply to user-mode files only";
            FileRuleXml r;
            r.friendly_name = file_name + " FilePath";
            std::string path = "*\\" + relative;  // wherever the folder is installed
            for (char& c : path)
                if (c == '/') c = '\\';
            r.file_path = path;
            add_file_rule(rules, file, std::move(r));
            return {};
        }
        case Level::root_certificate:
            return "RootCertificate is not supported by Windows";
        default:
            break;
    }
    // Signer levels.
    const SignerChoice choice = usable_signature(file);
    if (!choice.signature) return choice.reason;
    const pe::Signature& s = *choice.signature;
    const pe::ChainCertificate& leaf = s.chain.front();
    std::string reason;
    SignerXml signer;
    std::set<std::string> attribs;
    const bool whql_level = level == Level::whql || level == Level::whql_publisher ||
                            level == Level::whql_file_publisher;
    if (whql_level && !s.whql) return "its signature is not a WHQL signature";
    if (level == Level::leaf_certificate) {
        if (leaf.tbs_hash.empty()) return "the leaf's signature algorithm has no TBS hash";
        signer.name = leaf.common_name;
        signer.tbs = to_hex(leaf.tbs_hash);
    } else {
        const pe::ChainCertificate* ca = issuing_ca(s, reason);
        if (!ca) return reason;
        signer.name = ca->common_name;
        signer.tbs = to_hex(ca->tbs_hash);
    }
    if (level == Level::publisher || level == Level::file_publisher ||
        level == Level::signed_version)
        signer.publisher = leaf.common_name;
    if (whql_level) signer.whql_eku = true;
    if (level == Level::whql_publisher || level == Level::whql_file_publisher) {
        if (s.opus_program_name.empty()) return "its WHQL signature names no OEM (opus info)";
        signer.oem_id = s.opus_program_name;
    }
    if (level == Level::file_publisher || level == Level::whql_file_publisher ||
        level == Level::signed_version) {
        if (!v.file_version) return "it has no VS_FIXEDFILEINFO file version";
        FileRuleXml r;
        r.file_attrib = true;
        r.minimum_file_version = version_text(*v.file_version);
        if (level != Level::signed_version) {
            if (v.original_filename.empty()) return "it has no OriginalFilename in VERSIONINFO";
            r.file_name = v.original_filename;
            r.friendly_name = file_name + " FileAttribute";
        } else {
            r.friendly_name = file_name + " SignedVersion";
        }
        attribs.insert(add_file_rule(rules, file, std::move(r)));
    }
    add_signer(rules, file, std::move(signer), attribs);
    return {};
}

}  // namespace cipolicy::scan
