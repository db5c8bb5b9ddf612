#include "check/rule_index.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace cipolicy::check {

namespace {

std::string key(const Bytes& bytes) {
    return std::string(bytes.begin(), bytes.end());
}

void append(std::vector<std::uint32_t>& out,
            const std::unordered_map<std::string, std::vector<std::uint32_t>>& map,
            const Bytes& bytes) {
    if (bytes.empty()) return;
    if (auto it = map.find(key(bytes)); it != map.end())
        out.insert(out.end(), it->second.begin(), it->second.end());
}

void sort_unique(std::vector<std::uint32_t>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

void FileRuleIndex::add(const policy::FileRule& rule, std::uint32_t index) {
    if (!rule.hash.empty()) {
        by_hash[key(rule.hash)].push_back(index);
        return;
    }
    if (!rule.file_path && !(rule.file_name && *rule.file_name == u"*")) {
        // Every named attribute must match, so the first one present is enough for the key.
        const policy::PolicyString* fields[kNameFields] = {
            &rule.file_name, &rule.internal_name, &rule.file_description, &rule.product_name};
        for (int f = 0; f < kNameFields; ++f) {
            if (*fields[f]) {
                by_name[f][upper(**fields[f])].push_back(index);
                return;
            }
        }
    }
    always.push_back(index);
}

std::vector<std::uint32_t> FileRuleIndex::candidates(const FileFacts& file) const {
    std::vector<std::uint32_t> out = always;
    const pe::PeFile& pe = *file.pe;
    for (const Bytes* h :
         {&pe.authenticode_sha1, &pe.authenticode_sha256, &pe.page_sha1, &pe.page_sha256})
        append(out, by_hash, *h);
    for (int f = 0; f < kNameFields; ++f) {
        if (file.names[f].empty()) continue;
        if (auto it = by_name[f].find(file.names[f]); it != by_name[f].end())
            out.insert(out.end(), it->second.begin(), it->second.end());
    }
    sort_unique(out);
    return out;
}

void SignerIndex::add(const policy::SignerRule& signer, std::uint32_t entry) {
    if (const auto* tbs = std::get_if<policy::TbsRoot>(&signer.root))
        by_tbs[key(tbs->tbs_hash)].push_back(entry);
    else
        always.push_back(entry);
}

std::vector<std::uint32_t> SignerIndex::candidates(const FileFacts& file) const {
    std::vector<std::uint32_t> out =
        file.usable_signatures.empty() ? std::vector<std::uint32_t>{} : always;
    for (const pe::Signature* s : file.usable_signatures)
        for (const auto& c : s->chain) append(out, by_tbs, c.tbs_hash);
    sort_unique(out);
    return out;
}

PolicyIndex::PolicyIndex(const policy::Policy& policy, const std::string& source) {
    const auto bad = [&](const std::string& what) {
        throw Error(ExitCode::input, source + ": " + what + " points past its table");
    };
    for (const auto& sc : policy.signing_scenarios) {
        ScenarioRules rules;
        rules.scenario = &sc;
        const auto& group = sc.product_signers;
        for (std::uint32_t r : group.file_rules_ref) {
            if (r >= policy.file_rules.size()) bad("a FileRuleRef");
            const auto& rule = policy.file_rules[r];
            if (rule.type == policy::FileRuleType::deny)
                rules.deny.add(rule, r);
            else if (rule.type == policy::FileRuleType::allow)
                rules.allow.add(rule, r);
        }
        for (std::uint32_t i = 0; i < group.denied.size(); ++i) {
            if (group.denied[i].signer >= policy.signers.size()) bad("a DeniedSigner");
            rules.denied.add(policy.signers[group.denied[i].signer], i);
        }
        for (std::uint32_t i = 0; i < group.allowed.size(); ++i) {
            if (group.allowed[i].signer >= policy.signers.size()) bad("an AllowedSigner");
            rules.allowed.add(policy.signers[group.allowed[i].signer], i);
        }
        scenarios_.emplace_back(static_cast<int>(sc.value), std::move(rules));
    }
}

const ScenarioRules* PolicyIndex::scenario(int value) const {
    for (const auto& [v, rules] : scenarios_)
        if (v == value) return &rules;
    return nullptr;
}

}  // namespace cipolicy::check
