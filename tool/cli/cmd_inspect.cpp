#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cms/file_kind.hpp"
#include "cms/policy_file.hpp"
#include "cms/signature_summary.hpp"
#include "core/bounded_read.hpp"
#include "crypto/certificate.hpp"
#include "policy/naming.hpp"
#include "policy/options.hpp"
#include "policy/policy_types.hpp"
#include "policy/xml_reader.hpp"
#include "verify/signer_authorization.hpp"

namespace cipolicy::cli {

namespace {

using nlohmann::json;

json signer_list(const std::vector<policy::AuthorizedSigner>& signers) {
    json list = json::array();
    for (const auto& s : signers) {
        json entry{{"index", s.index}};
        if (const auto* tbs = std::get_if<policy::TbsRoot>(&s.signer.root))
            entry["certRootTbs"] = to_hex(tbs->tbs_hash);
        else
            entry["certRootWellknown"] = std::get<policy::WellKnownRoot>(s.signer.root).id;
        json ekus = json::array(), oids = json::array();
        for (const auto& v : s.eku_values) {
            ekus.push_back(to_hex(v));
            oids.push_back(verify::eku_oid_text(v));
        }
        entry["certEkus"] = ekus;
        entry["certEkuOids"] = oids;
        list.push_back(entry);
    }
    return list;
}

std::string option_word_hex(std::uint32_t word) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", word);
    return buf;
}

json describe_policy(const policy::Policy& p) {
    json j{{"formatVersion", p.format_version},
           {"format", p.is_multiple_policy_format() ? "multiple-policy" : "single-policy"},
           {"policyType", p.is_supplemental() ? "supplemental" : "base"},
           {"policyId", p.policy_id().to_string()},
           {"basePolicyId", p.base_policy_id().to_string()},
           {"platformId", p.platform_id.is_nil() ? json() : json(p.platform_id.to_string())},
           {"version", p.version.to_string()},
           {"optionWord", option_word_hex(p.options.word())},
           {"options", policy::rule_option_names(p.options.word())},
           {"counts",
            {{"ekus", p.ekus.size()},
             {"fileRules", p.file_rules.size()},
             {"signers", p.signers.size()},
             {"signingScenarios", p.signing_scenarios.size()},
             {"settings", p.settings.size()}}},
           {"expectedFileName", policy::signed_file_name(p)}};
    if (!p.is_multiple_policy_format()) {
        auto name = policy::policy_type_name(p.header_id());
        j["policyTypeId"] = p.header_id().to_string();
        j["policyTypeName"] = name ? json(*name) : json();
    }
    j["updatePolicySigners"] = signer_list(policy::update_policy_signers(p));
    j["supplementalPolicySigners"] = signer_list(policy::supplemental_policy_signers(p));
    return j;
}

json describe_signature(const Bytes& data, const std::string& source) {
    const cms::SignatureSummary s = cms::summarize_signature(data, source);
    json j{{"signedDataVersion", s.signed_data_version}};
    json chain = json::array();
    for (const auto& c : s.certificates)
        chain.push_back({{"subject", c.subject()},
                         {"issuer", c.issuer()},
                         {"serial", c.serial_hex()},
                         {"notBefore", c.not_before()},
                         {"notAfter", c.not_after()},
                         {"sha256", to_hex(c.thumbprint(crypto::DigestAlgorithm::sha256))}});
    j["certificates"] = chain;
    if (!s.has_signer_info) return j;
    j["digest"] = s.digest;
    if (s.signer)
        j["signer"] = {{"subject", s.signer->subject()},
                       {"issuer", s.signer->issuer()},
                       {"serial", s.signer->serial_hex()}};
    j["unsignedAttributes"] = s.unsigned_attributes;
    j["timestamp"] = s.has_timestamp ? json("present") : json();
    return j;
}

void print_text(const Console& out, const std::string& file, const json& j) {
    auto line = [&](const std::string& label, const std::string& value) {
        std::string padded = label + ":";
        padded.resize(22, ' ');
        out.result(padded + value);
    };
    const json& p = j["policy"];
    line("file", file + (j["signed"].get<bool>() ? " (signed)"
                         : j.contains("xml")     ? " (policy XML)"
                                                 : " (unsigned binary)"));
    line("format", "version " + std::to_string(p["formatVersion"].get<int>()) + ", " +
                       p["format"].get<std::string>() + " format");
    line("policy type", p["policyType"].get<std::string>());
    if (p.contains("policyTypeId"))
        line("PolicyTypeID", p["policyTypeId"].get<std::string>() +
                                 (p["policyTypeName"].is_null()
                                      ? ""
                                      : " (" + p["policyTypeName"].get<std::string>() + ")"));
    line("PolicyID", p["policyId"].get<std::string>());
    line("BasePolicyID", p["basePolicyId"].get<std::string>());
    line("version", p["version"].get<std::string>());
    std::string options;
    for (const auto& o : p["options"])
        options += (options.empty() ? "" : ", ") + o.get<std::string>();
    line("options", p["optionWord"].get<std::string>() + (options.empty() ? "" : " " + options));
    const json& c = p["counts"];
    line("counts", std::to_string(c["ekus"].get<int>()) + " EKUs, " +
                       std::to_string(c["fileRules"].get<int>()) + " file rules, " +
                       std::to_string(c["signers"].get<int>()) + " signers, " +
                       std::to_string(c["signingScenarios"].get<int>()) + " scenarios, " +
                       std::to_string(c["settings"].get<int>()) + " settings");
    for (const char* list : {"updatePolicySigners", "supplementalPolicySigners"}) {
        std::string label =
            std::string(list) == "updatePolicySigners" ? "update signers" : "supplemental signers";
        if (p[list].empty()) line(label, "none");
        for (const auto& s : p[list]) {
            std::string root =
                s.contains("certRootTbs")
                    ? "TBS " + s["certRootTbs"].get<std::string>()
                    : "well-known root " + std::to_string(s["certRootWellknown"].get<int>());
            std::string ekus;
            for (const auto& oid : s["certEkuOids"])
                ekus += (ekus.empty() ? ", EKU " : ", ") + oid.get<std::string>();
            line(label, "#" + std::to_string(s["index"].get<int>()) + " " + root +
                            (ekus.empty() ? ", no EKU" : ekus));
        }
    }
    line("expected file name", p["expectedFileName"].get<std::string>());
    if (!j.contains("signature")) return;
    const json& s = j["signature"];
    line("digest", s.value("digest", "?"));
    if (s.contains("signer")) {
        line("signer", s["signer"]["subject"].get<std::string>());
        line("signer issuer", s["signer"]["issuer"].get<std::string>());
        line("signer serial", s["signer"]["serial"].get<std::string>());
    }
    for (const auto& cert : s["certificates"])
        line("certificate", cert["subject"].get<std::string>());
    line("timestamp", s["timestamp"].is_null() ? "none" : s["timestamp"].get<std::string>());
}

}  // namespace

int run_inspect(const Args& args) {
    po::options_description opts("inspect options");
    opts.add_options()("input", po::value<std::string>()->required(),
                       "a policy binary, a signed policy or policy XML");
    po::positional_options_description pos;
    pos.add("input", 1);
    ParsedArgs a = parse_args("inspect", args, opts, pos);
    if (a.help) {
        print_help({"inspect FILE [--json]",
                    "Describes a policy: format, IDs, version, options, counts, signer rules;\n"
                    "for signed files also the digest, the signer and its chain.",
                    {{"what a signed policy holds", "cipolicy inspect {PolicyID}.cip"},
                     {"policy XML, as JSON", "cipolicy inspect policy.xml --json"}},
                    {}},
                   opts, pos, a.help_all);
        return 0;
    }
    Console out(a.flags);
    std::string file = a.vm["input"].as<std::string>();
    // Policy XML is described as the policy it compiles to.
    if (cms::looks_like_xml(read_bounded(file, kMaxPolicyBytes, "policy"))) {
        const policy::Policy p = policy::read_policy_xml(cms::load_policy_xml(file));
        json j{{"file", file}, {"signed", false}, {"xml", true}, {"policy", describe_policy(p)}};
        print_text(out, file, j);
        out.json(j);
        return 0;
    }
    cms::PolicyFile f = cms::read_policy_or_signed(file);
    json j{{"file", file}, {"signed", f.is_signed}, {"policy", describe_policy(f.policy)}};
    if (f.is_signed) j["signature"] = describe_signature(f.data, file);
    print_text(out, file, j);
    out.json(j);
    return 0;
}

}  // namespace cipolicy::cli
