#pragma once
// The subcommands. Each parses its own arguments and returns the process exit code; errors are
// thrown as cipolicy::Error and reported by run_cli.

#include <string>
#include <string_view>
#include <vector>

namespace cipolicy::cli {

using Args = std::vector<std::string>;

int run_sign(const Args& args);
int run_verify(const Args& args);
int run_timestamp(const Args& args);
int run_inspect(const Args& args);
int run_tbs_hash(const Args& args);
int run_dev_pki(const Args& args);
int run_new_policy(const Args& args);
int run_compile(const Args& args);
int run_decompile(const Args& args);
int run_add_signer(const Args& args);
int run_set_option(const Args& args);
int run_set_version(const Args& args);
int run_set_id(const Args& args);
int run_root_cert(const Args& args);
int run_eku(const Args& args);
int run_cert_chain(const Args& args);
int run_check(const Args& args);
int run_scan(const Args& args);
int run_merge(const Args& args);

struct CommandInfo {
    std::string_view name;
    std::string_view summary;
    int (*run)(const Args&);
};

// Every subcommand, in the order `cipolicy --help` lists them.
const std::vector<CommandInfo>& commands();

// The whole program: `cipolicy <command> [args]`. Never throws.
int run_cli(int argc, char** argv);

}  // namespace cipolicy::cli
