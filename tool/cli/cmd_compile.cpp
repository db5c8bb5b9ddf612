#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output_file.hpp"
#include "cli/output_guard.hpp"
#include "cms/policy_file.hpp"
#include "core/bury.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "policy/compiler.hpp"
#include "policy/naming.hpp"

namespace cipolicy::cli {

int run_compile(const Args& args) {
    po::options_description opts("compile options");
    opts.add_options()("input", po::value<std::string>()->required(), "policy XML")(
        "output,o", po::value<std::string>()->value_name("FILE"),
        "the binary to write (default: {PolicyID}.bin, or SiPolicy.bin for the single-policy "
        "format, beside the input; missing folders are created)")(
        "format-version", po::value<unsigned>()->value_name("N"),
        "binary format version, 1 to 11 (default: 8, or the lowest that holds what the XML "
        "uses; 7: what Windows 10 tools of 2022-2024 wrote)");
    po::positional_options_description pos;
    pos.add("input", 1);
    ParsedArgs a = parse_args("compile", args, opts, pos);
    if (a.help) {
        print_help(
            {"compile POLICY.xml [-o OUT] [--format-version N]",
             "Compiles policy XML into the binary Windows loads, byte for byte what\n"
             "ConvertFrom-CIPolicy writes. The input is checked as ConvertFrom-CIPolicy\n"
             "checks it; each error names the file, line and column.",
             {{"compile policy XML to {PolicyID}.bin beside it", "cipolicy compile policy.xml"},
              {"a given output and binary format",
               "cipolicy compile policy.xml -o policy.bin --format-version 7"}},
             {}},
            opts, pos, a.help_all);
        return 0;
    }
    Console out(a.flags);
    const std::filesystem::path input = a.vm["input"].as<std::string>();
    std::optional<std::uint32_t> format;
    if (a.vm.count("format-version")) format = a.vm["format-version"].as<unsigned>();
    // The document is released once read, so that ordering and writing reuse its memory; the
    // model is buried at the end (core/bury.hpp).
    auto owned = std::make_unique<policy::Policy>(
        policy::read_policy_to_compile(cms::load_policy_xml(input.string()), format));
    const policy::Policy& model = *owned;
    const Bytes binary = policy::write_policy_to_compile(*owned, input);
    // Not the .cip/.p7b name sign gives its output: the unsigned binary would then sit where the
    // signed one is written beside it.
    const std::filesystem::path output =
        a.vm.count("output")
            ? std::filesystem::path(a.vm["output"].as<std::string>())
            : input.parent_path() /
                  std::filesystem::path(policy::signed_file_name(model)).replace_extension(".bin");
    OutputGuard("compile", a.vm, {"output"}).check(output, "-o");
    write_output(output, binary, false);
    out.result("wrote " + output.string() + ": " + std::to_string(binary.size()) +
               " bytes, format " + std::to_string(model.format_version) + ", " +
               std::to_string(model.file_rules.size()) + " file rules, " +
               std::to_string(model.signers.size()) + " signers, policy " +
               model.policy_id().to_string());
    out.json({{"input", input.string()},
              {"output", output.string()},
              {"size", binary.size()},
              {"formatVersion", model.format_version},
              {"policyId", model.policy_id().to_string()},
              {"basePolicyId", model.base_policy_id().to_string()},
              {"fileRules", model.file_rules.size()},
              {"signers", model.signers.size()}});
    bury(std::move(owned));
    return 0;
}

}  // namespace cipolicy::cli
