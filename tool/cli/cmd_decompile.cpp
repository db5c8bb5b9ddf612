#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output_file.hpp"
#include "cli/output_guard.hpp"
#include "cms/policy_file.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "policy/compiler.hpp"
#include "policy/round_trip.hpp"
#include "policy/xml_writer.hpp"

namespace cipolicy::cli {

int run_decompile(const Args& args) {
    po::options_description opts("decompile options");
    opts.add_options()("input", po::value<std::string>()->required(),
                       "policy binary or signed policy")(
        "output,o", po::value<std::string>()->value_name("FILE"),
        "the XML to write (default: the input's name with .xml, beside it; - for standard "
        "output; missing folders are created)");
    po::positional_options_description pos;
    pos.add("input", 1);
    ParsedArgs a = parse_args("decompile", args, opts, pos);
    if (a.help) {
        print_help(
            {"decompile POLICY.bin|SIGNED.cip [-o OUT.xml]",
             "Writes a policy binary (or the policy inside a signed file) as policy XML\n"
             "with generated IDs. Compiling that XML with the same --format-version gives\n"
             "the same binary again.",
             {{"a signed policy back to XML", "cipolicy decompile {PolicyID}.cip -o policy.xml"},
              {"a binary to standard output", "cipolicy decompile policy.bin -o -"}},
             {}},
            opts, pos, a.help_all);
        return 0;
    }
    Console out(a.flags);
    const std::filesystem::path input = a.vm["input"].as<std::string>();
    const cms::PolicyFile file = cms::read_policy_or_signed(input.string());
    policy::PolicyXml xml;
    try {
        xml = policy::write_policy_xml(file.policy);
        policy::check_round_trip(xml, file.policy_bytes, file.policy.format_version);
    } catch (const Error& e) {
        throw Error(e.code(), input.string() + ": " + e.what());
    }
    const std::filesystem::path output =
        a.vm.count("output") ? std::filesystem::path(a.vm["output"].as<std::string>())
                             : std::filesystem::path(input).replace_extension(".xml");
    OutputGuard("decompile", a.vm, {"output"}).check(output, "-o", true);
    for (const auto& w : xml.warnings) out.warning(input.string() + ": " + w);
    write_output(output,
                 ByteView(reinterpret_cast<const std::uint8_t*>(xml.text.data()), xml.text.size()),
                 true);
    const auto format = std::to_string(file.policy.format_version);
    // Only a format compile writes is suggested (it refuses the others).
    const std::uint32_t version = file.policy.format_version;
    const bool compilable =
        version >= policy::kMinCompileFormatVersion && version <= policy::kLatestFormatVersion;
    const std::string summary =
        "wrote " + output.string() + " (format " + format +
        (compilable
             ? ": compile it with --format-version " + format + " for the same bytes)"
             : ": compile writes formats " + std::to_string(policy::kMinCompileFormatVersion) +
                   " to " + std::to_string(policy::kLatestFormatVersion) +
                   ", so the XML compiles to a newer format, not to these bytes)");
    // With -o - the XML is the standard output: the summary goes to stderr (--verbose) instead.
    if (is_stdout(output)) {
        out.detail(summary);
        return 0;
    }
    out.result(summary);
    out.json({{"input", input.string()},
              {"output", output.string()},
              {"signed", file.is_signed},
              {"formatVersion", file.policy.format_version},
              {"warnings", xml.warnings}});
    return 0;
}

}  // namespace cipolicy::cli
