#include <nlohmann/json.hpp>

#include "cli/batch_json.hpp"
#include "cli/commands.hpp"
#include "cli/input_list.hpp"
#include "cli/options.hpp"
#include "cli/options_table.hpp"
#include "cli/output_guard.hpp"
#include "cli/timestamp_options.hpp"
#include "core/error.hpp"
#include "signing/sign_files.hpp"

namespace cipolicy::cli {

int run_timestamp(const Args& args) {
    po::options_description opts("timestamp options");
    opts.add_options()("input", po::value<std::vector<std::string>>()->required(),
                       "signed policies (paths, wildcards, @listfile)")(
        "output,o", po::value<std::string>()->value_name("FILE"),
        "write here instead of replacing the input (one input only)")(
        "continue-on-error", "go on with the next file after a failure")(
        // http.ca-file, as for the signing service: the TLS hint names it, so it is taken here.
        "ca-file", po::value<std::string>()->value_name("FILE"),
        "CA bundle to verify an https timestamp server (default: CURL_CA_BUNDLE, SSL_CERT_FILE, "
        "the system store)");
    opts.add(config_option());
    opts.add(timestamp_options());
    po::positional_options_description pos;
    pos.add("input", -1);
    ParsedArgs a = parse_args("timestamp", args, opts, pos);
    if (a.help) {
        print_help({"timestamp SIGNED... --timestamp-url URL [--timestamp-url URL]... [-o OUT]",
                    "Adds or replaces the RFC 3161 timestamp of signed policies without signing\n"
                    "them again (for when the server was down at signing time). Files are\n"
                    "replaced atomically, or written to -o.",
                    {{"add a timestamp in place",
                      "cipolicy timestamp {PolicyID}.cip --timestamp-url "
                      "http://timestamp.acs.microsoft.com"},
                     {"into a new file",
                      "cipolicy timestamp a.cip -o b.cip --timestamp-url https://tsa.example"}},
                    {{"Timestamp",
                      {{"timestamp-url", ""},
                       {"timestamp-root", ""},
                       {"output", ""},
                       {"continue-on-error", ""}}}}},
                   opts, pos, a.help_all);
        return 0;
    }
    Console out(a.flags);
    std::vector<std::string> inputs = expand_inputs(a.vm["input"].as<std::vector<std::string>>());
    if (a.vm.count("output") && inputs.size() > 1)
        throw Error(ExitCode::usage, "timestamp: -o/--output takes one input");
    if (a.vm.count("output")) {
        // The input itself may be replaced (that is the default), no other input of the run.
        const config::Settings settings = resolve_settings(a.vm);
        OutputGuard("timestamp", a.vm, {"output", "input"}, &settings)
            .check(a.vm["output"].as<std::string>(), "-o");
    }
    // The servers and their options come from the command line, CIPOLICY_* or cipolicy.yaml, as
    // for sign.
    auto client = make_timestamp_client(resolve_settings(a.vm));
    if (!client)
        throw Error(ExitCode::usage,
                    "timestamp: give at least one --timestamp-url (or timestamp.urls in "
                    "cipolicy.yaml, or CIPOLICY_TIMESTAMP_URLS)");
    for (const auto& url : client->options().urls) out.detail("timestamp server: " + url);

    std::optional<std::filesystem::path> output;
    if (a.vm.count("output")) output = a.vm["output"].as<std::string>();
    signing::BatchOptions batch;
    batch.continue_on_error = a.vm.count("continue-on-error") > 0;
    signing::BatchReport report;
    report.detail = [&](const std::string& line) { out.detail(line); };
    report.succeeded = [&](const signing::FileResult& r, std::size_t) {
        out.result("timestamped " + r.input + " (" + r.time + ")" +
                   (r.output == r.input ? "" : " -> " + r.output));
    };
    report.failed = [&](const Error& e) { out.error(e.what(), e.code()); };
    signing::BatchResult result = signing::timestamp_files(inputs, output, *client, batch, report);
    out.json(batch_json(result.entries));
    return result.exit_code();
}

}  // namespace cipolicy::cli
