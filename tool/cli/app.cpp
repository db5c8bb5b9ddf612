#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "cli/diagnostics.hpp"
#include "cli/options_table.hpp"
#include "cli/response_file.hpp"
#include "core/build_info.hpp"
#include "core/error.hpp"

namespace cipolicy::cli {

const std::vector<CommandInfo>& commands() {
    static const std::vector<CommandInfo> table{
        {"sign", "sign policy binaries (signtool /p7co 1.3.6.1.4.1.311.79.1 equivalent)", run_sign},
        {"verify", "check signed policies against Windows' rules", run_verify},
        {"check", "would Windows run these PE files under this policy? (offline, per rule)",
         run_check},
        {"timestamp", "add or replace the RFC 3161 timestamp of signed policies", run_timestamp},
        {"inspect", "describe a policy binary or a signed policy", run_inspect},
        {"tbs-hash", "print a certificate's TBS hash (the CertRoot value of a signer rule)",
         run_tbs_hash},
        {"dev-pki", "create a development root, intermediate and RSA-3072 signing certificate",
         run_dev_pki},
        {"new-policy", "write a small signable base policy that trusts a given certificate",
         run_new_policy},
        {"compile", "compile policy XML into the binary (ConvertFrom-CIPolicy equivalent)",
         run_compile},
        {"decompile", "write a policy binary or signed policy as policy XML", run_decompile},
        {"scan", "generate a policy allowing the PE files in folders (New-CIPolicy)", run_scan},
        {"merge", "merge policy XML files into one (Merge-CIPolicy)", run_merge},
        {"add-signer", "trust a certificate to sign the policy or its supplementals (XML edit)",
         run_add_signer},
        {"set-option", "add or remove rule options of policy XML", run_set_option},
        {"set-version", "set the VersionEx of policy XML", run_set_version},
        {"set-id", "set PolicyID and BasePolicyID of policy XML", run_set_id},
        {"root-cert", "download a Trusted Signing profile's root certificate", run_root_cert},
        {"eku", "print a Trusted Signing profile's customer EKUs and their policy values", run_eku},
        {"cert-chain", "download a Trusted Signing profile's certificate chain", run_cert_chain},
    };
    return table;
}

static void print_usage() {
    std::cout << "Usage: cipolicy <command> [options] [files]\n\n"
                 "Sign, verify and inspect Windows App Control (WDAC) code integrity policies.\n\n"
                 "Commands:\n";
    for (const auto& c : commands()) {
        std::string name(c.name);
        name.resize(12, ' ');
        std::cout << "  " << name << c.summary << '\n';
    }
    std::cout << "\nRun 'cipolicy <command> --help' for a command's options.\n"
                 "Exit codes are listed in docs/cli.md.\n";
}

int run_cli(int argc, char** argv) {
    Args args(argv + 1, argv + argc);
    name_settings_by_flag();
    try {
        args = expand_response_file(args);
        if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
            print_usage();
            return args.empty() ? static_cast<int>(ExitCode::usage) : 0;
        }
        if (args[0] == "--version" || args[0] == "-V") {
            std::cout << "cipolicy " << core::version() << " (commit " << core::commit() << ")\n";
            return 0;
        }
        for (const auto& c : commands())
            if (c.name == args[0]) return c.run(Args(args.begin() + 1, args.end()));
        throw Error(ExitCode::usage,
                    "unknown command '" + args[0] + "' (run 'cipolicy --help' for the list)");
    } catch (const Error& e) {
        std::cerr << format_diagnostic(diagnostic_format(args), Severity::error, e.code(), e.what())
                  << '\n';
        return static_cast<int>(e.code());
    } catch (const std::exception& e) {
        std::cerr << format_diagnostic(
                         diagnostic_format(args), Severity::error, ExitCode::internal,
                         std::string("internal error: ") + e.what() + " (please report this)")
                  << '\n';
        return static_cast<int>(ExitCode::internal);
    }
}

}  // namespace cipolicy::cli
