#include <cstdio>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

#include "cli/az_aliases.hpp"
#include "cli/batch_json.hpp"
#include "cli/commands.hpp"
#include "cli/depfile.hpp"
#include "cli/input_list.hpp"
#include "cli/options.hpp"
#include "cli/options_table.hpp"
#include "cli/output_guard.hpp"
#include "cli/timestamp_options.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/quote.hpp"
#include "platform/terminal.hpp"
#include "providers/registry.hpp"
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
                        const std::vector<std::string>& inputs,
                        const std::vector<signing::FileResult>& results, OutputGuard guard) {
    std::vector<fs::path> targets, deps(inputs.begin(), inputs.end());
    for (const auto& r : results) targets.emplace_back(r.output);
    for (auto& f : files_read_by(settings, config_file(vm))) deps.push_back(std::move(f));
    const fs::path file = vm["depfile"].as<std::string>();
    // The signed files exist now: the depfile may not replace one of them either.
    for (const auto& target : targets) guard.add_input(target, "the signed output");
    guard.check(file, "--depfile");
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
        "output,o", po::value<std::string>()->value_name("FILE"), "output file (one input only)")(
        "allow-unsigned-option",
        "sign even if option 6 (Enabled:Unsigned System Integrity Policy) is set")(
        "allow-unauthorized-signer",
        "sign even if UpdatePolicySigners do not name the signing chain")(
        "continue-on-error", "go on with the next file after a failure")(
        "depfile", po::value<std::string>()->value_name("FILE"),
        "after success, write a Make-style dependency file: the outputs depend on the inputs, "
        "the configuration and the key, certificate and metadata files it names")(
        "depfile-format", po::value<std::string>()->value_name("FORMAT"),
        "the --depfile grammar: make (default; GNU Make, CMake's Makefiles), ninja, or lines "
        "(one path per line, for MSBuild)")(
        "jobs", po::value<unsigned>()->value_name("N"),
        "files signed at once (default 32 with Trusted Signing, 8 with Key Vault, 1 with a local "
        "key, a PKCS#11 token or a certificate store)");
    opts.add(signing_options());
    opts.add(timestamp_options());
    po::positional_options_description pos;
    pos.add("input", -1);
    ParsedArgs a = parse_args("sign", map_az_aliases(args), opts, pos);
    if (a.help) {
        print_help(
            {"sign POLICY.bin... KEY [-o OUT | --output-dir DIR] [options]",
             "Signs compiled policy binaries the way `signtool sign /p7co 1.3.6.1.4.1.311.79.1\n"
             "/fd sha256` does. KEY is a local key (--cert/--key or --pfx), Trusted Signing\n"
             "(--metadata), a PKCS#11 token (--pkcs11-uri), Azure Key Vault (--key-vault) or,\n"
             "in cipolicy.exe, the Windows certificate store (--thumbprint / --subject).\n"
             "Without -o or --output-dir, each signed file goes beside its input as\n"
             "{PolicyID}.cip or SiPolicy.p7b.",
             {{"a local key, its chain and the root the policy names",
               "cipolicy sign policy.bin --cert signer.pem --key signer.key --chain chain.pem"},
              {"a PFX whose password is in a file, into a folder",
               "cipolicy sign *.bin --pfx signer.pfx --pfx-password-file pw.txt --output-dir out"},
              {"Azure Trusted Signing (timestamped by default)",
               "cipolicy sign policy.bin --metadata metadata.json -o policy.cip"}},
             {{"Local key",
               {{"cert", "signer certificate (PEM or DER)"},
                {"key", "its private key"},
                {"chain", "intermediates (and root) as PEM"},
                {"root", "the root, when the chain stops below it"},
                {"pfx", "a PKCS#12 file instead of --cert/--key"},
                {"pfx-password-file", "the PFX password, from a file"},
                {"pfx-password-env", "the PFX password, from a variable"}}},
              {"Trusted Signing", {{"metadata", "metadata.json of the certificate profile"}}},
              {"Output",
               {{"output", "the signed file (one input)"},
                {"output-dir", "folder for the signed files"},
                {"timestamp-url", "RFC 3161 server (repeatable)"}}}}},
            opts, pos, a.help_all);
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
    // Before any key is opened or any request made: no output may replace an input of the run.
    OutputGuard guard("sign", vm, {"output", "output-dir", "depfile"}, &settings);
    for (const auto& input : inputs) guard.add_input(input, "the input");  // wildcards expanded
    if (naming.output) guard.check(*naming.output, "-o");
    if (vm.count("depfile")) {
        const fs::path depfile = vm["depfile"].as<std::string>();
        guard.check(depfile, "--depfile");
        std::error_code ec;
        if (naming.output && fs::absolute(depfile, ec).lexically_normal() ==
                                 fs::absolute(*naming.output, ec).lexically_normal())
            throw Error(ExitCode::usage, "sign: --depfile " + depfile.string() +
                                             " is the signed output (-o); give another --depfile");
    }
    const std::string output_flag = naming.output       ? "-o"
                                    : naming.output_dir ? "--output-dir"
                                                        : "the output beside its input";
    naming.check = [&guard, output_flag](const fs::path& destination) {
        guard.check(destination, output_flag);
    };
    signing::SignSettings sign;
    sign.digest = settings.digest.value_or(crypto::DigestAlgorithm::sha256);
    sign.allow_unsigned_option = vm.count("allow-unsigned-option") > 0;
    sign.allow_unauthorized_signer = vm.count("allow-unauthorized-signer") > 0;
    signing::BatchOptions batch;
    batch.continue_on_error = vm.count("continue-on-error") > 0;
    signing::refuse_colliding_outputs(naming, inputs);
    sign.roots = providers::load_roots(settings);
    std::mutex detail_mutex;
    auto detail = [&](const std::string& line) {
        std::lock_guard lock(detail_mutex);
        out.detail(line);
    };
    if (a.flags.verbose) sign.detail = detail;
    const providers::ProviderRow& provider = providers::chosen_provider(settings);
    batch.jobs = provider.jobs;
    if (vm.count("jobs")) {
        batch.jobs = vm["jobs"].as<unsigned>();
        if (batch.jobs < 1 || batch.jobs > 64)
            throw Error(ExitCode::usage, "sign: --jobs must be between 1 and 64");
    }
    std::unique_ptr<signing::Signer> signer =
        provider.open(settings, {[&](const std::string& w) { out.warning(w); },
                                 [&](const std::string& d) { out.detail(d); }});
    // Short-lived certificates (Trusted Signing: 3 days). Windows keeps loading the policy after
    // they expire (it applies no validity dates to policy signatures, docs/verify.md), but other
    // verifiers do not, and the timestamp proves when it was signed: on by default there.
    std::unique_ptr<timestamp::TsaClient> timestamper =
        make_timestamp_client(settings, std::string(provider.timestamp_url));
    if (provider.short_lived && !timestamper)
        out.warning("--no-timestamp: " + std::string(provider.title) +
                        " certificates are valid for a few days; Windows keeps loading the "
                        "policy after that (it applies no validity dates to policy signatures), "
                        "but without a timestamp other verifiers (signtool verify /pa) report it "
                        "expired",
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
    report.succeeded = [&](const signing::FileResult& r, std::size_t finished) {
        if (progress)
            std::fprintf(stderr, "\r[%zu/%zu] %s", finished, inputs.size(),
                         escaped(fs::path(r.input).filename().string(), 80).c_str());
        out.result("signed " + r.input + " -> " + r.output);
    };
    report.failed = [&](const Error& e) { out.error(e.what(), e.code()); };
    signing::BatchResult result = signing::sign_files(inputs, naming, *signer, sign, batch, report);
    if (progress) std::fprintf(stderr, "\n");
    out.json(batch_json(result.entries));
    if (result.failed == 0 && vm.count("depfile"))
        write_sign_depfile(vm, settings, inputs, result.entries, guard);
    return result.exit_code();
}

}  // namespace cipolicy::cli
