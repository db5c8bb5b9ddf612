#pragma once
// The one rule for every file a command writes (docs/cli.md, "Files a command writes"): an output
// is a regular file or absent, never a device, FIFO, socket, folder or symbolic link, and never
// one of the run's inputs: not the policy, and not any key, certificate, chain, PFX, root,
// password, PIN, token, metadata, CA or configuration file the command line, CIPOLICY_* or
// cipolicy.yaml name. Inputs are compared by file identity, so "./k.pem", "k.pem" and a hard link
// to it are one file. Standard output ("-", /dev/stdout) is a stream, for commands that can write
// their output there.

#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/options.hpp"
#include "config/settings.hpp"
#include "platform/durable_file.hpp"

namespace cipolicy::cli {

enum class OutputTarget { file, standard_output };

class OutputGuard {
  public:
    // The inputs of a run of `command`: the value of every option in `vm` (positional arguments
    // included) except the options named in `not_inputs` (the outputs, and a file edited in
    // place); with `settings`, also every file the setting table says they read and the
    // configuration file.
    OutputGuard(std::string command, const po::variables_map& vm,
                std::initializer_list<std::string_view> not_inputs,
                const config::Settings* settings = nullptr);

    // One more file no output may replace; `what` names it in the message ("the output
    // x.cip of this run").
    void add_input(const std::filesystem::path& file, std::string what);

    // Throws Error(usage) naming `flag` when `output` may not be written: it is an input, or
    // neither absent nor a regular file (a device, FIFO, socket, folder or link). Standard
    // output (`-`, /dev/stdout) is OutputTarget::standard_output when `stream` allows it, else
    // refused.
    OutputTarget check(const std::filesystem::path& output, std::string_view flag,
                       bool stream = false) const;

  private:
    struct Input {
        platform::FileId id;
        std::string what;
    };
    std::string command_;
    std::vector<Input> inputs_;
};

// The common case: when -o/--output is given, checks it against the run's inputs (the settings'
// files too when the command `reads_settings`). Returns the target, or nullopt without -o.
std::optional<OutputTarget> check_output_option(const std::string& command,
                                                const po::variables_map& vm, bool stream,
                                                bool reads_settings);

}  // namespace cipolicy::cli
