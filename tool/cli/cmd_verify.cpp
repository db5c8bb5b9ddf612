#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/input_list.hpp"
#include "cli/options.hpp"
#include "cms/policy_file.hpp"
#include "config/settings.hpp"
#include "core/bounded_read.hpp"
#include "core/error.hpp"
#include "verify/verifier.hpp"

namespace cipolicy::cli {

static std::string_view marker(verify::CheckStatus s) {
    switch (s) {
        case verify::CheckStatus::pass:
            return "ok  ";
        case verify::CheckStatus::warn:
            return "warn";
        case verify::CheckStatus::fail:
            return "FAIL";
        case verify::CheckStatus::info:
            return "note";
    }
    return "    ";
}

// Severity order for the exit code of a multi-file run: the worst verdict wins.
static int severity(verify::Verdict v) {
    switch (v) {
        case verify::Verdict::invalid:
            return 3;
        case verify::Verdict::not_anchored:
            return 2;
        case verify::Verdict::rules_unsatisfied:
            return 1;
        case verify::Verdict::valid:
            return 0;
    }
    return 3;
}

int run_verify(const Args& args) {
    po::options_description opts("verify options");
    opts.add_options()("input", po::value<std::vector<std::string>>()->required(),
                       "signed policies (.cip, .p7b)")(
        "root", po::value<std::vector<std::string>>()->value_name("CERT"),
        "the root you expect (repeatable): the chain must reach one")(
        "base", po::value<std::string>()->value_name("POLICY"),
        "the base policy (binary or signed) of a supplemental policy")(
        "config", po::value<std::string>()->value_name("FILE"),
        "trust the certificates of the local signing setup this cipolicy.yaml names (its "
        "chain and certificate files) as roots")(
        "timestamp-root", po::value<std::vector<std::string>>()->value_name("CERT"),
        "require a timestamp's signer to chain to this root (repeatable)");
    po::positional_options_description pos;
    pos.add("input", -1);
    ParsedArgs a = parse_args("verify", args, opts, pos);
    if (a.help) {
        print_help(
            {"verify FILE... [--root CERT]... [--base POLICY] [--json]",
             "Checks signed policies against the rules Windows applies (signtool's layout,\n"
             "signature, chain, timestamp, and the policy's own signer rules, matched\n"
             "against the certificates the file carries, as Windows does).\n"
             "Exit 0 valid, 1 invalid, 11 not anchored (to --root, or the certificate the\n"
             "policy names is not in the file), 12 policy rules not satisfied.",
             {{"a file cipolicy signed: no flag needed", "cipolicy verify policy.cip"},
              {"and it ends at the root I expect", "cipolicy verify policy.cip --root root.cer"},
              {"a supplemental policy against its base",
               "cipolicy verify supplemental.cip --base base.cip --json"}},
             {}},
            opts, pos, a.help_all);
        return 0;
    }
    Console out(a.flags);
    verify::VerifyOptions options;
    if (a.vm.count("root"))
        for (const auto& file : a.vm["root"].as<std::vector<std::string>>())
            for (auto& c : crypto::load_certificates(file)) options.roots.push_back(std::move(c));
    // The build's check of a supplemental against its base: the signing chain's own root is
    // what the policies name, and signed files leave the root out.
    if (a.vm.count("config")) {
        const config::Settings configured =
            config::load_settings_file(a.vm["config"].as<std::string>());
        for (const auto& file : {configured.local.chain, configured.local.cert})
            if (file)
                for (auto& c : crypto::load_certificates(*file))
                    options.roots.push_back(std::move(c));
    }
    if (a.vm.count("timestamp-root"))
        for (const auto& file : a.vm["timestamp-root"].as<std::vector<std::string>>())
            for (auto& c : crypto::load_certificates(file))
                options.timestamp_roots.push_back(std::move(c));
    if (a.vm.count("base"))
        options.base = cms::read_policy_or_signed(a.vm["base"].as<std::string>()).policy;

    verify::Verdict worst = verify::Verdict::valid;
    bool unreadable = false;
    nlohmann::json reports = nlohmann::json::array();
    for (const auto& file : expand_inputs(a.vm["input"].as<std::vector<std::string>>())) {
        Bytes data;
        try {
            data = read_bounded(file, kMaxPolicyBytes, "signed policy");
        } catch (const Error& e) {
            // The other files are still verified, and the JSON has an entry for this one.
            unreadable = true;
            out.error(e.what(), e.code());
            reports.push_back({{"file", file},
                               {"verdict", "error"},
                               {"error", e.what()},
                               {"exitCode", static_cast<int>(e.code())}});
            continue;
        }
        verify::VerifyReport report = verify::verify_signed_policy(data, file, options);
        verify::Verdict v = report.verdict();
        if (severity(v) > severity(worst)) worst = v;
        out.result(file + ": " + std::string(verify::verdict_text(v)));
        for (const auto& f : report.findings) {
            if (f.status == verify::CheckStatus::pass && !a.flags.verbose) continue;
            out.result("  " + std::string(marker(f.status)) + "  " + f.message);
        }
        reports.push_back(to_json(report));
    }
    out.json(reports);
    if (unreadable) return static_cast<int>(ExitCode::input);
    return static_cast<int>(exit_code(worst));
}

}  // namespace cipolicy::cli
