#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output_file.hpp"
#include "cli/output_guard.hpp"
#include "core/bounded_read.hpp"
#include "core/error.hpp"
#include "policy/compiler.hpp"
#include "policy/merge.hpp"
#include "policy/xml_reader.hpp"
#include "policy/xml_source.hpp"

namespace cipolicy::cli {

int run_merge(const Args& args) {
    po::options_description opts("merge options");
    opts.add_options()("input", po::value<std::vector<std::string>>()->required(),
                       "policy XML files, the first giving options, IDs and version")(
        "output,o", po::value<std::string>()->required(), "the merged policy XML to write");
    po::positional_options_description pos;
    pos.add("input", -1);
    ParsedArgs a = parse_args("merge", args, opts, pos);
    if (a.help) {
        print_help({"merge A.xml B.xml... -o OUT.xml",
                    "Merges policies like Merge-CIPolicy: the union of their rules and signers,\n"
                    "duplicates removed by content, IDs renamed only where two differ. Options,\n"
                    "PolicyID, BasePolicyID and version come from the first file.",
                    {{"a base and the rules a scan made",
                      "cipolicy merge base.xml scanned.xml -o merged.xml"},
                     {"several scans into one",
                      "cipolicy merge app.xml tools.xml drivers.xml -o all.xml"}},
                    {}},
                   opts, pos, a.help_all);
        return 0;
    }
    Console out(a.flags);
    std::vector<std::filesystem::path> inputs;
    std::vector<std::unique_ptr<policy::XmlSource>> sources;
    for (const auto& p : a.vm["input"].as<std::vector<std::string>>()) {
        inputs.emplace_back(p);
        sources.push_back(std::make_unique<policy::XmlSource>(
            p, read_bounded_text(p, kMaxPolicyBytes, "policy XML")));
        policy::read_policy_xml(*sources.back());  // each input must be a valid policy
    }
    std::vector<const policy::XmlSource*> views;
    for (const auto& s : sources) views.push_back(s.get());
    const policy::MergeResult merged = policy::merge_policies(views);
    const std::filesystem::path output = a.vm["output"].as<std::string>();
    // What merge writes must compile.
    policy::XmlSource check(output, merged.text);
    const auto compiled = policy::compile_policy(check, policy::kLatestFormatVersion);
    OutputGuard("merge", a.vm, {"output"}).check(output, "-o", true);
    write_output(
        output,
        ByteView(reinterpret_cast<const std::uint8_t*>(merged.text.data()), merged.text.size()),
        true);
    out.result("wrote " + output.string() + ": " +
               std::to_string(compiled.model.file_rules.size()) + " file rules, " +
               std::to_string(compiled.model.signers.size()) + " signers (" +
               std::to_string(merged.duplicates) + " duplicates dropped, " +
               std::to_string(merged.renamed) + " IDs renamed)");
    out.json({{"output", output.string()},
              {"fileRules", compiled.model.file_rules.size()},
              {"signers", compiled.model.signers.size()},
              {"duplicates", merged.duplicates},
              {"renamed", merged.renamed}});
    return 0;
}

}  // namespace cipolicy::cli
