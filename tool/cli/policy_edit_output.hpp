#pragma once
// What every XML edit command shares: where the edited policy goes, and checking it afterwards.

#include <filesystem>
#include <string>

#include <boost/program_options.hpp>

#include "cli/console.hpp"
#include "policy/xml_source.hpp"

namespace cipolicy::cli {

// Adds the positional POLICY.xml and -o/--output.
void add_policy_edit_options(boost::program_options::options_description& options,
                             boost::program_options::positional_options_description& positional);

// The file to write: -o, else the policy itself (edited in place, as Microsoft's cmdlets do).
// Checked by cli/output_guard against every other input of `command` (the settings' files too
// when it `reads_settings`).
std::filesystem::path policy_edit_output(const boost::program_options::variables_map& vm,
                                         const std::string& command, bool reads_settings = false);

// Writes the edited document atomically. When it would not compile (for example option 6 removed
// before an UpdatePolicySigner was added) it is still written, with a warning saying why.
void write_edited_policy(const policy::XmlSource& source, const std::filesystem::path& output,
                         const Console& out);

}  // namespace cipolicy::cli
