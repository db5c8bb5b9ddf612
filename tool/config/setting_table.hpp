#pragma once
// Every setting, declared once (in setting_table.cpp): its key (which is also its path in
// cipolicy.yaml), its CIPOLICY_* variable, its command-line flag, how a value is read and checked,
// where it is kept in Settings, and one line of documentation. The YAML reader, the environment
// layer, overlay(), the command-line options with their --help text and the table in
// docs/configuration.md are all derived from it.

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/settings.hpp"

namespace cipolicy::config {

// The --help section a setting's flag is listed in; each command picks the sections it reads.
enum class SettingGroup { key, key_store, trusted_signing, timestamp, output };

// One value; several (a YAML list, a repeated flag, a separated variable); or a switch (a flag
// without a value; true/false in YAML and variables).
enum class SettingArity { one, many, on_off };

// A value a setting refuses: `rest` completes a message that starts with where the value came
// from ("--digest", "CIPOLICY_DIGEST", "cipolicy.yaml(2,9): 'digest'"), e.g. " must be sha256,
// sha384 or sha512".
struct BadSettingValue {
    std::string rest;
};

// How a setting's values are read into Settings and layered. Built by the helpers in
// setting_table.cpp (file, text, seconds, ...), never by hand.
struct SettingBinding {
    SettingArity arity = SettingArity::one;
    std::string_view separators = ";";  // between the values of a variable with several
    // Stores `values` (one at least) into `s`. Relative paths resolve against `base`, the
    // configuration file's folder (null for the command line and the environment: paths stay as
    // given). Throws BadSettingValue.
    std::function<void(Settings& s, const std::vector<std::string>& values,
                       const std::filesystem::path* base)>
        store;
    std::function<void(Settings& s, const Settings& top)> take;  // top's value, if it has one
    // Adds the files this setting makes a run read (a key, a certificate, a token file), if it
    // names any: what no output may replace (cli/output_guard). Empty for other settings.
    std::function<void(const Settings& s, std::vector<std::filesystem::path>& files)> files_read =
        nullptr;
    // The files whose content shapes a signed output (keys, certificates, password files,
    // metadata), for --depfile; empty for other settings (folders, CA bundles, token files).
    std::function<std::vector<std::filesystem::path>(const Settings& s)> inputs = {};
};

struct SettingDef {
    std::string_view key;         // "local.cert"; the YAML path
    std::string_view variable;    // "CIPOLICY_CERT", or empty
    std::string_view flag;        // "cert" for --cert, or empty
    std::string_view value_name;  // "FILE" in --help
    SettingGroup group;
    std::string_view doc;      // one line: --help and docs/configuration.md
    std::string_view details;  // more for docs/configuration.md only, or empty
    SettingBinding binding;
    std::string_view alias = {};  // an older key that still works (documented), or empty
};

const std::vector<SettingDef>& setting_table();

// Every file `s` makes a run read, as the table's bindings say (keys, certificates, chains,
// roots, PFX, password, PIN, token, metadata and CA files, the PKCS#11 module).
std::vector<std::filesystem::path> files_read_by(const Settings& s);

// The entry for `key` or for an alias of it, or null.
const SettingDef* find_setting(std::string_view key);

// Every file the settings name whose content shapes a signed output (SettingBinding::inputs), in
// table order: what a --depfile lists besides the inputs and the configuration file.
std::vector<std::filesystem::path> files_named_by(const Settings& s);

// The Markdown table of docs/configuration.md (key | variable | command line | meaning), one row
// per setting in table order; a unit test keeps the document equal to it.
std::string settings_doc_table();

}  // namespace cipolicy::config
