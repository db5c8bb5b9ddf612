#include <nlohmann/json.hpp>

#include "cli/az_aliases.hpp"
#include "cli/commands.hpp"
#include "cli/service_command.hpp"
#include "core/error.hpp"
#include "policy/eku_value.hpp"

namespace cipolicy::cli {

namespace {

// The Value add-signer writes for the OID (policy/eku_value.cpp, with its checks), so that eku
// never prints a value add-signer would refuse.
std::string policy_eku_value(const std::string& oid) {
    try {
        return to_hex(policy::oid_to_eku_value(oid));
    } catch (const Error& e) {
        throw Error(ExitCode::service,
                    "the service returned an EKU add-signer cannot use: " + std::string(e.what()));
    }
}

}  // namespace

int run_eku(const Args& args) {
    po::options_description opts = service_command_options();
    ParsedArgs a = parse_args("eku", map_az_aliases(args), opts, {});
    if (a.help) {
        print_help({"eku (--metadata FILE | --endpoint URL --account NAME --profile NAME) [--json]",
                    "Prints the customer EKUs of a Trusted Signing certificate profile "
                    "(Get-AzCodeSigningCustomerEku),\neach with the Value a policy's <EKU> "
                    "element takes for it.",
                    {{"the customer EKUs of a Trusted Signing profile",
                      "cipolicy eku --metadata metadata.json"},
                     {"the same, as JSON",
                      "cipolicy eku --endpoint https://eus.codesigning.azure.net --account acct "
                      "--profile prof --json"}},
                    {profile_help_section()}},
                   opts, {}, a.help_all);
        return 0;
    }
    Console out(a.flags);
    auto session = open_session(a.vm, out);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& oid : session->client().customer_ekus()) {
        std::string value = policy_eku_value(oid);
        out.result(oid + "  " + value);
        list.push_back({{"oid", oid}, {"value", value}});
    }
    out.json(list);
    return 0;
}

}  // namespace cipolicy::cli
