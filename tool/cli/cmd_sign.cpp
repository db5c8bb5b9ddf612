#include <cstdio>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

#include "cli/az_aliases.hpp"
#include "cli/commands.hpp"
#include "cli/depfile.hpp"
#include "cli/input_list.hpp"
#include "cli/options.hpp"
#include "cli/options_table.hpp"
#include "cli/signer_options.hpp"
#include "cli/timestamp_options.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "platform/terminal.hpp"
#include "signing/sign_files.hpp"

namespace cipolicy::cli {
namespace fs = std::filesystem;

namespace {

// --depfile-format, checked before anything is signed.
DepfileGrammar requested_grammar(const po::variables_map& vm) {
    const std::string format =
        vm.count("depfile-format") ? vm["depfile-format"].as<std::string>() : "make";
    const std::optional<DepfileGrammar> grammar = depfile_grammar(format);
    if (!grammar)
        throw Error(ExitCode::usage,
                    "sign: --depfile-format '" + format + "' is not one of make, ninja, lines");
    return *grammar;
}

// --depfile: written only when every file was signed, so a failed run leaves the build out of date.
void write_sign_depfile(const po::variables_map& vm, const config::Settings& settings,
                        const std::vector<std::string>& inputs, const nlohmann::json& results) {
    std::vector<fs::path> targets, deps(inputs.begin(), inputs.end());
    for (const auto& r : results) targets.emplace_back(r["output"].get<std::string>());
    for (auto& f : files_read_by(settings, config_file(vm))) deps.push_back(std::move(f));
    const fs::path file = vm["depfile"].as<std::string>();
    const std::string text =
        depfile_text(targets, deps, requested_grammar(vm), fs::path(file.string() + ".links"));
    std::error_code ec;
    if (file.has_parent_path()) fs::create_directories(file.parent_path(), ec);
    write_file_atomically(
        file, ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

}  // namespace

int run_sign(const Args& args) {
    po::options_description opts("sign options");
    opts.add_options()("input", po::value<std::vector<std::string>>()->required(),
                       "policy binaries (paths, wildcards, @listfile)")(
        "output,o", po::value<std::string>(), "output file (one input only)")(
        "allow-unsigned-option",
        "sign even if option 6 (Enabled:Unsigned System Integrity Policy) is set")(
        "allow-unauthorized-signer",
        "sign even if UpdatePolicySigners do not name the signing chain")(
        "continue-on-error", "go on with the next file after a failure")(
        "depfile", po::value<std::string>(),
        "after success, write a Make-style dependency file: the outputs depend on the inputs, "
        "the configuration and the key, certificate and metadata files it names")(
        "depfile-format", po::value<std::string>(),
        "the --depfile grammar: make (default; GNU Make, CMake's Makefiles), ninja, or lines "
        "(one path per line, for MSBuild)")(
        "jobs", po::value<unsigned>(),
        "files signed at once (default 32 with Trusted Signing, 8 with Key Vault, 1 with a local "
        "key or a PKCS#11 token)");
    opts.add(signing_options());
    opts.add(timestamp_options());
    po::positional_options_description pos;
    pos.add("input", -1);
    ParsedArgs a = parse_args("sign", map_az_aliases(args), opts, pos);
    if (a.help) {
        print_help(
            "sign INPUT... (--cert FILE --key FILE | --pfx FILE) [--chain FILE] [--root FILE]... "
            "| (--metadata FILE | --endpoint URL --account NAME --profile NAME) "
            "| --pkcs11-module LIB --pkcs11-uri URI (--pin-env VAR | --pin-file FILE) "
            "| --key-vault URL --key-vault-certificate NAME "
            "[-o OUT | --output-dir DIR]",
            "Signs compiled policy binaries the way `signtool sign /p7co "
            "1.3.6.1.4.1.311.79.1 /fd sha256` does.\nWithout -o or --output-dir, each "
            "signed file is written beside its input as {PolicyID}.cip or SiPolicy.p7b.",
            opts, pos);
        return 0;
    }
    Console out(a.flags);
    const auto& vm = a.vm;
    requested_grammar(vm);
    const std::vector<std::string> inputs =
        expand_inputs(vm["input"].as<std::vector<std::string>>());
    signing::OutputNaming naming;
    if (vm.count("output")) naming.output = vm["output"].as<std::string>();
    if (naming.output && vm.count("output-dir"))
        throw Error(ExitCode::usage, "sign: give -o/--output or --output-dir, not both");
    if (naming.output && inputs.size() > 1)
        throw Error(ExitCode::usage, "sign: -o/--output takes one input; use --output-dir for " +
                                         std::to_string(inputs.size()) + " inputs");
    config::Settings settings = resolve_settings(vm);
    if (!naming.output) naming.output_dir = settings.output_dir;
    signing::SignSettings sign;
    sign.digest = settings.digest.value_or(crypto::DigestAlgorithm::sha256);
    sign.allow_unsigned_option = vm.count("allow-unsigned-option") > 0;
    sign.allow_unauthorized_signer = vm.count("allow-unauthorized-signer") > 0;
    signing::BatchOptions batch;
    batch.continue_on_error = vm.count("continue-on-error") > 0;
    signing::refuse_colliding_outputs(naming, inputs);
    sign.roots = load_roots(settings);
    std::mutex detail_mutex;
    auto detail = [&](const std::string& line) {
        std::lock_guard lock(detail_mutex);
        out.detail(line);
    };
    if (a.flags.verbose) sign.detail = detail;
    batch.jobs = config::wants_trusted_signing(settings)            ? 32
                 : settings.provider == config::Provider::key_vault ? 8
                                                                    : 1;
    if (vm.count("jobs")) {
        batch.jobs = vm["jobs"].as<unsigned>();
        if (batch.jobs < 1 || batch.jobs > 64)
            throw Error(ExitCode::usage, "sign: --jobs must be between 1 and 64");
    }
    std::unique_ptr<signing::Signer> signer = open_signer(
        settings, [&](const std::string& w) { out.warning(w); },
        [&](const std::string& d) { out.detail(d); });
    // Trusted Signing certificates live three days: without a timestamp the policy stops
    // validating almost at once, so timestamping is on by default there.
    bool short_lived = settings.provider == config::Provider::trusted_signing;
    std::unique_ptr<timestamp::TsaClient> timestamper =
        make_timestamp_client(settings, short_lived ? timestamp::kMicrosoftTsaUrl : "");
    if (short_lived && !timestamper)
        out.warning(
            "--no-timestamp: Trusted Signing certificates are valid for 3 days; without a "
            "timestamp this policy's signature stops validating when the certificate expires",
            WarningCode::no_timestamp);
    sign.timestamper = timestamper.get();
    sign.timestamp_optional = settings.timestamp.optional.value_or(false);
    out.detail("key loaded: " + signer->describe());
    for (const auto& root : sign.roots) out.detail("root given: '" + root.common_name() + "'");
    if (timestamper)
        for (const auto& url : timestamper->options().urls) out.detail("timestamp server: " + url);

    bool progress = platform::stderr_is_terminal() && inputs.size() > 1 && !a.flags.quiet;
    signing::BatchReport report;
    report.detail = detail;
    report.warning = [&](const Warning& w) { out.warning(w.message, w.code); };
    report.succeeded = [&](const nlohmann::json& entry, std::size_t finished) {
        const std::string input = entry["input"], output = entry["output"];
        if (progress)
            std::fprintf(stderr, "\r[%zu/%zu] %s", finished, inputs.size(),
                         fs::path(input).filename().string().c_str());
        out.result("signed " + input + " -> " + output);
    };
    report.failed = [&](const Error& e) { out.error(e.what(), e.code()); };
    signing::BatchResult result = signing::sign_files(inputs, naming, *signer, sign, batch, report);
    if (progress) std::fprintf(stderr, "\n");
    out.json(result.entries);
    if (result.failed == 0 && vm.count("depfile"))
        write_sign_depfile(vm, settings, inputs, result.entries);
    return result.exit_code();
}

}  // namespace cipolicy::cli
