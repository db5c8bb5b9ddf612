#pragma once
// The command line's view of the setting table (config/setting_table.hpp): the options of each
// group with their --help text, the command-line layer read back from them, and the names
// messages use for settings ("--cert" rather than "local.cert").

#include <filesystem>
#include <optional>
#include <string>

#include "cli/options.hpp"
#include "config/setting_table.hpp"

namespace cipolicy::cli {

// --config FILE (default $CIPOLICY_CONFIG), for every command that reads settings.
po::options_description config_option();

// The flags of the settings of `group`, in table order, under `title`.
po::options_description setting_options(config::SettingGroup group, const std::string& title);

// --config, the signing key and output settings, and service_options(): what `sign` reads.
po::options_description signing_options();
// The Trusted Signing settings.
po::options_description service_options();
// The RFC 3161 settings (shared by `sign` and `timestamp`).
po::options_description timestamp_options();

// The command-line layer: every table flag `vm` holds. Throws Error(usage) naming the flag.
config::Settings settings_from_command_line(const po::variables_map& vm);

// The configuration file a run reads: --config, else $CIPOLICY_CONFIG, else none.
std::optional<std::filesystem::path> config_file(const po::variables_map& vm);

// command line > environment > configuration file > defaults, as every command reads settings.
config::Settings resolve_settings(const po::variables_map& vm);

// From now on, messages name settings and the options lower layers mention by their flag.
void name_settings_by_flag();

}  // namespace cipolicy::cli
