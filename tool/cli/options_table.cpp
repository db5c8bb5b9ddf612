#include "cli/options_table.hpp"

#include <map>

#include "core/error.hpp"
#include "core/setting_name.hpp"

namespace cipolicy::cli {
namespace fs = std::filesystem;

po::options_description config_option() {
    po::options_description opts("Configuration");
    opts.add_options()("config", po::value<std::string>()->value_name("FILE"),
                       "project configuration (cipolicy.yaml); default $CIPOLICY_CONFIG");
    return opts;
}

po::options_description setting_options(config::SettingGroup group, const std::string& title) {
    po::options_description opts(title);
    for (const auto& def : config::setting_table()) {
        if (def.group != group || def.flag.empty()) continue;
        const std::string flag(def.flag), doc(def.doc), value_name(def.value_name);
        switch (def.binding.arity) {
            case config::SettingArity::on_off:
                opts.add_options()(flag.c_str(), doc.c_str());
                break;
            case config::SettingArity::many:
                opts.add_options()(
                    flag.c_str(),
                    po::value<std::vector<std::string>>()->composing()->value_name(value_name),
                    doc.c_str());
                break;
            case config::SettingArity::one:
                opts.add_options()(flag.c_str(), po::value<std::string>()->value_name(value_name),
                                   doc.c_str());
                break;
        }
    }
    return opts;
}

po::options_description signing_options() {
    po::options_description opts = config_option();
    opts.add(setting_options(config::SettingGroup::key, "Signing key"));
    opts.add(
        setting_options(config::SettingGroup::key_store, "PKCS#11 token or HSM, Azure Key Vault"));
    opts.add(setting_options(config::SettingGroup::output, "Output"));
    opts.add(service_options());
    return opts;
}

po::options_description service_options() {
    return setting_options(config::SettingGroup::trusted_signing, "Trusted Signing");
}

po::options_description timestamp_options() {
    return setting_options(config::SettingGroup::timestamp, "Timestamping (RFC 3161)");
}

config::Settings settings_from_command_line(const po::variables_map& vm) {
    config::Settings s;
    for (const auto& def : config::setting_table()) {
        const std::string flag(def.flag);
        if (flag.empty() || !vm.count(flag)) continue;
        std::vector<std::string> values;
        if (def.binding.arity == config::SettingArity::many)
            values = vm[flag].as<std::vector<std::string>>();
        else if (def.binding.arity == config::SettingArity::on_off)
            values = {"true"};
        else
            values = {vm[flag].as<std::string>()};
        try {
            def.binding.store(s, values, nullptr);
        } catch (const config::BadSettingValue& bad) {
            throw Error(ExitCode::usage, "--" + flag + bad.rest);
        }
    }
    return s;
}

std::optional<fs::path> config_file(const po::variables_map& vm) {
    std::optional<fs::path> given;
    if (vm.count("config")) given = fs::path(vm["config"].as<std::string>());
    return config::config_file(given);
}

config::Settings resolve_settings(const po::variables_map& vm) {
    return config::resolve_settings(settings_from_command_line(vm), config_file(vm));
}

namespace {

// Options of single commands that lower layers mention in their messages; settings are named
// from the table.
const std::map<std::string, std::string, std::less<>> kCommandOptions{
    {"sign.allow-unsigned-option", "--allow-unsigned-option"},
    {"sign.allow-unauthorized-signer", "--allow-unauthorized-signer"},
    {"sign.output", "--output"},
    {"verify.root", "--root"},
    {"verify.base", "--base"},
    {"set-id.reset", "--reset"},
};

std::string flag_name(std::string_view key) {
    if (const config::SettingDef* def = config::find_setting(key); def && !def->flag.empty())
        return "--" + std::string(def->flag);
    if (auto it = kCommandOptions.find(key); it != kCommandOptions.end()) return it->second;
    return std::string(key);
}

}  // namespace

void name_settings_by_flag() {
    set_setting_namer(flag_name);
}

}  // namespace cipolicy::cli
