#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output_file.hpp"
#include "cli/output_guard.hpp"
#include "core/error.hpp"
#include "policy/compiler.hpp"
#include "policy/xml_reader.hpp"
#include "policy/xml_source.hpp"
#include "scan/policy_id.hpp"
#include "scan/policy_xml.hpp"
#include "scan/scan.hpp"

namespace cipolicy::cli {

namespace {

const char* status_name(scan::FileStatus s) {
    switch (s) {
        case scan::FileStatus::ruled:
            return "ruled";
        case scan::FileStatus::not_covered:
            return "notCovered";
        case scan::FileStatus::damaged:
            return "damaged";
        case scan::FileStatus::not_pe:
            return "notPe";
    }
    return "?";
}

}  // namespace

int run_scan(const Args& args) {
    po::options_description opts("scan options");
    opts.add_options()("path", po::value<std::vector<std::string>>()->required(),
                       "files and folders (recursive) to scan")(
        "level,l", po::value<std::string>()->default_value("Hash"),
        "rule level: Hash, FileName, FilePath, SignedVersion, Publisher, FilePublisher, "
        "LeafCertificate, PcaCertificate, WHQL, WHQLPublisher, WHQLFilePublisher")(
        "fallback", po::value<std::string>()->default_value("Hash"),
        "levels tried, in order, for files --level cannot describe (comma-separated; "
        "\"none\": skip such files)")("output,o", po::value<std::string>()->default_value("-"),
                                      "the policy XML to write (default: standard output)")(
        "supplemental-to", po::value<std::string>(),
        "make a supplemental policy of this base policy XML (its PolicyID becomes BasePolicyID)")(
        "policy-id", po::value<std::string>(),
        "PolicyID to give the policy (default: derived from --name and the base, so a rescan "
        "keeps it)")("name", po::value<std::string>(),
                     "the policy's FriendlyName (default: the output file's name)")(
        "threads", po::value<unsigned>()->default_value(0), "files read at once (0: one per core)");
    po::positional_options_description pos;
    pos.add("path", -1);
    ParsedArgs a = parse_args("scan", args, opts, pos);
    if (a.help) {
        print_help(
            {"scan PATH... [--level LEVEL] [--fallback LEVEL,...] [-o OUT.xml] "
             "[--supplemental-to BASE.xml]",
             "Generates an App Control policy allowing the PE files found (by content, not\n"
             "extension) in PATH, like New-CIPolicy, on any OS. IDs are derived from content:\n"
             "the same files give the same bytes. Drivers go to scenario 131, other files to 12.\n"
             "Exit codes: 0 every PE file is covered; 9 some were damaged or not covered (the\n"
             "policy is written without them); 2 usage; 3 unreadable input; 10 output.",
             {{"publisher and file rules for a build's output",
               "cipolicy scan build/bin --level FilePublisher -o app.xml"},
              {"a supplemental policy of a base, by publisher",
               "cipolicy scan out --supplemental-to base.xml --level Publisher -o "
               "supplemental.xml"},
              {"hash rules only", "cipolicy scan drivers --level Hash -o drivers.xml"}},
             {}},
            opts, pos, a.help_all);
        return 0;
    }
    Console out(a.flags);
    scan::ScanOptions options;
    options.level = scan::parse_level(a.vm["level"].as<std::string>());
    const std::string fallback = a.vm["fallback"].as<std::string>();
    options.fallback =
        fallback == "none" ? std::vector<scan::Level>{} : scan::parse_levels(fallback);
    options.threads = a.vm["threads"].as<unsigned>();
    const std::filesystem::path output = a.vm["output"].as<std::string>();
    if (a.flags.json && is_stdout(output))
        throw Error(ExitCode::usage,
                    "scan: --json prints the report; give the policy a file with -o");
    std::vector<std::filesystem::path> paths;
    for (const auto& p : a.vm["path"].as<std::vector<std::string>>()) paths.emplace_back(p);

    scan::PolicyHeader header;
    header.name = a.vm.count("name")  ? a.vm["name"].as<std::string>()
                  : is_stdout(output) ? std::string("cipolicy scan")
                                      : output.stem().string();
    std::string base_id;
    if (a.vm.count("supplemental-to")) {
        const std::filesystem::path base_path = a.vm["supplemental-to"].as<std::string>();
        const auto base_source = policy::XmlSource::load(base_path);
        const policy::Policy base = policy::read_policy_xml(base_source);
        if (base.is_supplemental() || !base.is_multiple_policy_format())
            throw Error(ExitCode::input, base_path.string() +
                                             ": not a base policy in the multiple-policy format "
                                             "(a supplemental policy needs one)");
        if (!base.options.has(policy::option_bit::allow_supplemental_policies))
            out.warning(base_path.string() +
                        ": the base lacks option 17 (Enabled:Allow Supplemental Policies); Windows "
                        "ignores supplemental policies until it has it");
        base_id = base.policy_id().to_string();
        header.supplemental = true;
    }
    if (a.vm.count("policy-id")) {
        const auto id = policy::Guid::parse(a.vm["policy-id"].as<std::string>());
        if (!id) throw Error(ExitCode::usage, "scan: --policy-id is not a GUID");
        header.policy_id = id->to_string();
    } else {
        header.policy_id = scan::derived_policy_id(header.name, base_id).to_string();
    }
    header.base_policy_id = header.supplemental ? base_id : header.policy_id;

    const scan::ScanReport report = scan::scan_paths(paths, options);
    std::size_t ruled = 0, problems = 0;
    nlohmann::json files = nlohmann::json::array();
    for (const scan::ScannedFile& f : report.files) {
        if (f.status == scan::FileStatus::ruled) {
            ++ruled;
            out.detail(f.path + ": " + f.level + " (scenario " +
                       std::to_string(pe::scenario_of(f.mode)) + ")");
        } else {
            ++problems;
            out.warning(f.status == scan::FileStatus::damaged
                            ? f.reason + " (skipped)"
                            : f.path + ": not covered: " + f.reason);
        }
        files.push_back({{"path", f.path},
                         {"status", status_name(f.status)},
                         {"level", f.level},
                         {"scenario", pe::scenario_of(f.mode)},
                         {"reason", f.reason}});
    }
    if (ruled == 0)
        throw Error(ExitCode::input, "scan: no PE file could be described (" +
                                         std::to_string(report.files.size()) + " PE files, " +
                                         std::to_string(report.other_files) + " other files)");
    const std::string xml = scan::write_scan_policy(report.rules, header);
    // The output must compile before it is written: what scan writes, compile accepts.
    policy::XmlSource check(output, xml);
    policy::compile_policy(check, policy::kLatestFormatVersion);
    // Every path scanned and --supplemental-to are inputs no output may replace.
    OutputGuard("scan", a.vm, {"output"}).check(output, "-o", true);
    write_output(output, ByteView(reinterpret_cast<const std::uint8_t*>(xml.data()), xml.size()),
                 true);
    if (!is_stdout(output))
        out.result("wrote " + output.string() + ": " + std::to_string(ruled) + " files ruled, " +
                   std::to_string(problems) + " skipped, " + std::to_string(report.other_files) +
                   " other files; " + std::to_string(report.rules.file_rules.size()) +
                   " file rules, " + std::to_string(report.rules.signers.size()) + " signers");
    out.json({{"output", output.string()},
              {"policyId", header.policy_id},
              {"basePolicyId", header.base_policy_id},
              {"files", files},
              {"otherFiles", report.other_files},
              {"fileRules", report.rules.file_rules.size()},
              {"signers", report.rules.signers.size()}});
    return problems ? static_cast<int>(ExitCode::partial) : 0;
}

}  // namespace cipolicy::cli
