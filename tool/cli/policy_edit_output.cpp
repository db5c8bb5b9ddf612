#include "cli/policy_edit_output.hpp"

#include <string>

#include "cli/options_table.hpp"
#include "cli/output_guard.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "policy/xml_reader.hpp"

namespace cipolicy::cli {

namespace po = boost::program_options;

void add_policy_edit_options(po::options_description& options,
                             po::positional_options_description& positional) {
    options.add_options()("policy", po::value<std::string>()->required(), "policy XML to edit")(
        "output,o", po::value<std::string>()->value_name("FILE"),
        "write the edited policy here instead of replacing POLICY.xml");
    positional.add("policy", 1);
}

std::filesystem::path policy_edit_output(const po::variables_map& vm, const std::string& command,
                                         bool reads_settings) {
    const std::filesystem::path output =
        vm.count("output") ? vm["output"].as<std::string>() : vm["policy"].as<std::string>();
    std::optional<config::Settings> settings;
    if (reads_settings) settings = resolve_settings(vm);
    // The policy itself is the one input an edit may replace.
    OutputGuard(command, vm, {"output", "policy"}, settings ? &*settings : nullptr)
        .check(output, vm.count("output") ? "-o" : "POLICY.xml");
    return output;
}

void write_edited_policy(const policy::XmlSource& source, const std::filesystem::path& output,
                         const Console& out) {
    const std::string text = policy::save_xml(source);
    try {
        const policy::XmlSource edited(output, text);
        policy::read_policy_xml(edited);
    } catch (const Error& e) {
        out.warning(std::string("the edited policy does not compile yet: ") + e.what());
    }
    write_file_atomically(
        output, ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

}  // namespace cipolicy::cli
