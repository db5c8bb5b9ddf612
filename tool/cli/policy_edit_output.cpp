#include "cli/policy_edit_output.hpp"

#include <string>

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

std::filesystem::path policy_edit_output(const po::variables_map& vm) {
    return vm.count("output") ? vm["output"].as<std::string>() : vm["policy"].as<std::string>();
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
