#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/input_list.hpp"
#include "cli/options.hpp"
#include "cli/signer_options.hpp"
#include "cli/timestamp_options.hpp"
#include "cms/signed_policy_reader.hpp"
#include "core/bounded_read.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "timestamp/embed.hpp"
#include "verify/verifier.hpp"

namespace cipolicy::cli {

namespace {

// Adds or replaces the timestamp of one signed policy; returns the token's time.
std::string retimestamp(const std::string& input, const std::filesystem::path& output,
                        timestamp::TsaClient& client, const Console& out) {
    Bytes data = read_bounded(input, kMaxPolicyBytes, "signed policy");
    // Timestamp only what is validly signed: a token cannot repair a broken signature.
    VerifyOptions check;
    check.check_file_name = false;
    VerifyReport before = verify_signed_policy(data, input, check);
    for (const auto& f : before.findings)
        if (f.status == CheckStatus::fail &&
            (f.area == CheckArea::structure || f.area == CheckArea::signature))
            throw Error(ExitCode::input, input + ": not a validly signed policy: " + f.message);

    cms::SignedPolicyView v = cms::read_signed_policy(data, input);
    std::optional<Certificate> leaf;
    for (auto der : v.certificates) {
        Certificate c = Certificate::from_der(der, input);
        const auto& si = v.signers.front();
        if (c.serial_der() == Bytes(si.serial.begin(), si.serial.end()) &&
            c.issuer_name_der() == Bytes(si.issuer_name.begin(), si.issuer_name.end()))
            leaf = c;
    }
    if (!leaf) throw Error(ExitCode::input, input + ": the signer certificate is not in the file");

    Bytes signature = timestamp::signature_value(data, input);
    timestamp::TokenInfo token = client.timestamp(signature, *leaf);
    out.detail(input + ": timestamp " + token.time + " from " + token.url);
    Bytes stamped = timestamp::with_timestamp(data, token.token, input);

    VerifyOptions after_check = check;
    after_check.timestamp_roots = client.options().roots;
    VerifyReport after = verify_signed_policy(stamped, input, after_check);
    for (const auto& f : after.findings)
        if (f.status == CheckStatus::fail && f.area != CheckArea::policy)
            throw Error(ExitCode::timestamp,
                        input + ": the timestamped file does not verify: " + f.message);
    out.detail(input + ": the timestamped file verifies");
    PendingFile file(output, stamped);
    file.commit();
    out.detail("written: " + output.string());
    return token.time;
}

}  // namespace

int run_timestamp(const Args& args) {
    po::options_description opts("timestamp options");
    opts.add_options()("input", po::value<std::vector<std::string>>()->required(),
                       "signed policies (paths, wildcards, @listfile)")(
        "output,o", po::value<std::string>(),
        "write here instead of replacing the input (one input only)")(
        "continue-on-error", "go on with the next file after a failure")(
        "config", po::value<std::string>(),
        "project configuration (cipolicy.yaml) for timestamp.urls; default $CIPOLICY_CONFIG");
    opts.add(timestamp_options());
    po::positional_options_description pos;
    pos.add("input", -1);
    ParsedArgs a = parse_args("timestamp", args, opts, pos);
    if (a.help) {
        print_help("timestamp SIGNED... --timestamp-url URL [--timestamp-url URL]... [-o OUT]",
                   "Adds or replaces the RFC 3161 timestamp of signed policies without signing\n"
                   "them again (for when the server was down at signing time). Files are\n"
                   "replaced atomically, or written to -o.",
                   opts, pos);
        return 0;
    }
    Console out(a.flags);
    std::vector<std::string> inputs = expand_inputs(a.vm["input"].as<std::vector<std::string>>());
    if (a.vm.count("output") && inputs.size() > 1)
        throw Error(ExitCode::usage, "timestamp: -o/--output takes one input");
    // The servers come from the command line, CIPOLICY_TIMESTAMP_URLS or cipolicy.yaml, as for
    // sign.
    auto client = make_timestamp_client(a.vm, resolve_settings(a.vm));
    if (!client)
        throw Error(ExitCode::usage,
                    "timestamp: give at least one --timestamp-url (or timestamp.urls in "
                    "cipolicy.yaml, or CIPOLICY_TIMESTAMP_URLS)");
    for (const auto& url : client->options().urls) out.detail("timestamp server: " + url);

    nlohmann::json results = nlohmann::json::array();
    std::size_t failed = 0, done = 0;
    std::optional<Error> first_error;
    for (const auto& input : inputs) {
        std::filesystem::path output =
            a.vm.count("output") ? a.vm["output"].as<std::string>() : input;
        try {
            std::string time = retimestamp(input, output, *client, out);
            ++done;
            out.result("timestamped " + input + " (" + time + ")" +
                       (output == input ? "" : " -> " + output.string()));
            results.push_back({{"input", input},
                               {"output", output.string()},
                               {"status", "timestamped"},
                               {"time", time}});
        } catch (const Error& caught) {
            const Error e(caught.code(), about_file(input, caught.what()));
            ++failed;
            if (!first_error) first_error = e;
            out.error(e.what(), e.code());
            results.push_back({{"input", input},
                               {"status", "failed"},
                               {"error", e.what()},
                               {"exitCode", static_cast<int>(e.code())}});
            if (!a.vm.count("continue-on-error")) break;
        }
    }
    out.json(results);
    if (failed == 0) return 0;
    return done > 0 ? static_cast<int>(ExitCode::partial) : static_cast<int>(first_error->code());
}

}  // namespace cipolicy::cli
