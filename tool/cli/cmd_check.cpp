#include <algorithm>

#include <nlohmann/json.hpp>

#include "check/check_files.hpp"
#include "check/checker.hpp"
#include "check/policy_source.hpp"
#include "cli/commands.hpp"
#include "cli/input_list.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"
#include "core/quote.hpp"
#include "core/utf8.hpp"

namespace cipolicy::cli {

namespace {

// Longer than a diagnostic's quoted value: a reason names a rule, a hash and a certificate.
constexpr std::size_t kReasonMax = 1000;

// Text from a policy or a file (names, CNs) for JSON: as it is when it is valid UTF-8 (the JSON
// encoder escapes the rest), escaped otherwise, and cut short either way.
std::string json_text(const std::string& s) {
    char32_t cp;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = decode_utf8(s, i, cp);
        if (n == 0) return escaped(s, kReasonMax);
        i += n;
    }
    return s.size() > kReasonMax ? escaped(s, kReasonMax) : s;
}

nlohmann::json to_json(const check::Finding& f) {
    return {{"effect", check::effect_text(f.effect)},
            {"policy", json_text(f.policy)},
            {"ruleId", json_text(f.rule_id)},
            {"friendlyName", json_text(f.friendly_name)},
            {"kind", f.kind},
            {"why", json_text(f.why)}};
}

// "  deny   ID_DENY_X "Friendly" (Deny): why" — every untrusted part escaped.
std::string finding_line(const check::Finding& f, bool many_policies) {
    std::string effect(check::effect_text(f.effect));
    effect.resize(11, ' ');
    std::string line = "  " + effect + " ";
    if (!f.rule_id.empty()) line += escaped(f.rule_id) + " ";
    if (!f.friendly_name.empty()) line += quote(f.friendly_name) + " ";
    line += "(" + f.kind;
    if (many_policies && !f.policy.empty()) line += ", " + escaped(f.policy);
    line += "): " + escaped(f.why, kReasonMax);
    return line;
}

int rank(check::Verdict v) {
    switch (v) {
        case check::Verdict::allowed:
            return 0;
        case check::Verdict::audit_only:
            return 1;
        case check::Verdict::undecided:
        case check::Verdict::blocked:
            return 2;
    }
    return 2;
}

}  // namespace

int run_check(const Args& args) {
    po::options_description opts("check options");
    opts.add_options()("policy", po::value<std::string>()->required(),
                       "the base policy: XML, binary or signed (.cip, .p7b)")(
        "input", po::value<std::vector<std::string>>()->required(),
        "PE files (EXE, DLL, SYS); @listfile and wildcards are expanded")(
        "supplemental", po::value<std::vector<std::string>>(),
        "supplemental policies of the base (XML, binary or signed), combined as Windows "
        "combines them (repeatable)")(
        "allow-audit-only", po::bool_switch(),
        "exit 0 instead of 14 when files run only because the policy is in audit mode (the "
        "warnings stay); what build integrations use");
    po::positional_options_description pos;
    pos.add("policy", 1).add("input", -1);
    ParsedArgs a = parse_args("check", args, opts, pos);
    if (a.help) {
        print_help(
            {"check POLICY FILE... [--supplemental POLICY]... [--json]",
             "Would Windows run these files under this policy? Decides each PE file offline the\n"
             "way App Control does (explicit deny wins; then allow rules of the base and its\n"
             "supplementals; then the options) and names the deciding rules.\n"
             "Exit 0 every file allowed, 13 a file would be blocked or cannot be decided offline,\n"
             "14 a file runs only because the policy is in audit mode, 3 a file is not a PE file.",
             {{"would the driver blocklist block these drivers?",
               "cipolicy check SiPolicy_Enforced.xml drivers/*.sys"},
              {"a signed base and its supplemental, as JSON",
               "cipolicy check base.cip build/app.exe build/*.dll --supplemental app.cip --json"}},
             {}},
            opts, pos, a.help_all);
        return 0;
    }
    Console out(a.flags);
    check::PolicySource base = check::load_policy(a.vm["policy"].as<std::string>());
    std::vector<check::PolicySource> supplementals;
    if (a.vm.count("supplemental"))
        for (const auto& s : a.vm["supplemental"].as<std::vector<std::string>>())
            supplementals.push_back(check::load_policy(s));
    const bool many_policies = !supplementals.empty();
    const check::Checker checker(std::move(base), std::move(supplementals));

    const auto results =
        check::check_files(checker, expand_inputs(a.vm["input"].as<std::vector<std::string>>()));
    int worst = 0;
    bool unreadable = false;
    std::size_t counts[4] = {};
    nlohmann::json files = nlohmann::json::array();
    for (const auto& r : results) {
        if (!r.decision) {
            unreadable = true;
            out.error(r.error, r.error_code);
            files.push_back({{"file", json_text(r.path)},
                             {"verdict", "error"},
                             {"error", json_text(r.error)},
                             {"exitCode", static_cast<int>(r.error_code)}});
            continue;
        }
        const check::Decision& d = *r.decision;
        ++counts[static_cast<int>(d.verdict)];
        worst = std::max(worst, rank(d.verdict));
        const std::string mode =
            d.scenario == 131 ? "kernel mode, scenario 131" : "user mode, scenario 12";
        out.result(r.path + ": " + std::string(check::verdict_text(d.verdict)) + " (" + mode +
                   "): " + escaped(d.summary, kReasonMax));
        for (const auto& f : d.deciding) out.result(finding_line(f, many_policies));
        if (a.flags.verbose)
            for (const auto& f : d.notes) out.result(finding_line(f, many_policies));
        // The build's view: one canonical diagnostic per file that would not simply run.
        if (d.verdict == check::Verdict::blocked || d.verdict == check::Verdict::undecided)
            out.error(r.path + ": " + std::string(check::verdict_text(d.verdict)) + ": " +
                          escaped(d.summary, kReasonMax),
                      ExitCode::blocked);
        else if (d.verdict == check::Verdict::audit_only)
            out.warning(r.path + ": " + escaped(d.summary, kReasonMax), WarningCode::audit_only);
        nlohmann::json deciding = nlohmann::json::array(), notes = nlohmann::json::array();
        for (const auto& f : d.deciding) deciding.push_back(to_json(f));
        for (const auto& f : d.notes) notes.push_back(to_json(f));
        files.push_back({{"file", json_text(r.path)},
                         {"verdict", check::verdict_text(d.verdict)},
                         {"scenario", d.scenario},
                         {"mode", d.scenario == 131 ? "kernel" : "user"},
                         {"summary", json_text(d.summary)},
                         {"deciding", deciding},
                         {"notes", notes}});
    }
    const int code = unreadable   ? static_cast<int>(ExitCode::input)
                     : worst == 2 ? static_cast<int>(ExitCode::blocked)
                     : worst == 1 && !a.vm["allow-audit-only"].as<bool>()
                         ? static_cast<int>(ExitCode::audit_only)
                         : 0;
    out.result(std::to_string(results.size()) + " file(s): " + std::to_string(counts[0]) +
               " allowed, " + std::to_string(counts[1]) + " blocked, " + std::to_string(counts[2]) +
               " audit-only, " + std::to_string(counts[3]) + " undecided");
    out.json({{"policy", json_text(a.vm["policy"].as<std::string>())},
              {"files", files},
              {"allowed", counts[0]},
              {"blocked", counts[1]},
              {"auditOnly", counts[2]},
              {"undecided", counts[3]},
              {"exitCode", code}});
    return code;
}

}  // namespace cipolicy::cli
