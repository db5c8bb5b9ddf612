#include "cli/output_guard.hpp"

#include <algorithm>
#include <boost/any.hpp>

#include "cli/options_table.hpp"
#include "config/setting_table.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"

namespace cipolicy::cli {
namespace fs = std::filesystem;

OutputGuard::OutputGuard(std::string command, const po::variables_map& vm,
                         std::initializer_list<std::string_view> not_inputs,
                         const config::Settings* settings)
    : command_(std::move(command)) {
    for (const auto& [name, value] : vm) {
        if (value.defaulted() ||
            std::find(not_inputs.begin(), not_inputs.end(), name) != not_inputs.end())
            continue;
        // Values that are not paths (a URL, a name) name no file and are never matched.
        const std::string what =
            name == "input" || name == "policy" ? "the input" : "the --" + name + " file";
        if (const auto* one = boost::any_cast<std::string>(&value.value()))
            add_input(*one, what);
        else if (const auto* many = boost::any_cast<std::vector<std::string>>(&value.value()))
            for (const auto& item : *many) add_input(item, what);
    }
    if (!settings) return;
    for (const auto& file : config::files_read_by(*settings))
        add_input(file, "a file the settings name");
    if (auto config = config_file(vm)) add_input(*config, "the configuration file");
}

void OutputGuard::add_input(const fs::path& file, std::string what) {
    if (file.empty() || file == "-") return;
    // An input that does not exist (yet) cannot be overwritten; reading it fails on its own.
    if (auto id = platform::file_id(file))
        inputs_.push_back({*id, std::move(what) + " " + file.string()});
}

OutputTarget OutputGuard::check(const fs::path& output, std::string_view flag, bool stream) const {
    const std::string where = command_ + ": " + std::string(flag) + " " + output.string();
    if (output == "-" || platform::is_standard_output(output)) {
        if (stream) return OutputTarget::standard_output;
        throw Error(ExitCode::usage, where +
                                         ": standard output takes text only (PEM, XML); this "
                                         "output is binary or a file to edit: give a file name");
    }
    try {
        check_replaceable(output);
    } catch (const Error& e) {
        throw Error(ExitCode::usage, command_ + ": " + std::string(flag) + " " + e.what());
    }
    if (const auto id = platform::file_id(output))
        for (const auto& input : inputs_)
            if (input.id == *id)
                throw Error(ExitCode::usage, where + " would replace " + input.what +
                                                 ", an input of this run; give another " +
                                                 std::string(flag));
    return OutputTarget::file;
}

std::optional<OutputTarget> check_output_option(const std::string& command,
                                                const po::variables_map& vm, bool stream,
                                                bool reads_settings) {
    if (!vm.count("output")) return std::nullopt;
    std::optional<config::Settings> settings;
    if (reads_settings) settings = resolve_settings(vm);
    const OutputGuard guard(command, vm, {"output"}, settings ? &*settings : nullptr);
    return guard.check(vm["output"].as<std::string>(), "-o", stream);
}

}  // namespace cipolicy::cli
