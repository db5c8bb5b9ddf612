#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "cli/az_aliases.hpp"
#include "cli/commands.hpp"
#include "cli/depfile.hpp"
#include "cli/input_list.hpp"
#include "cli/options.hpp"
#include "cli/service_options.hpp"
#include "cli/signer_options.hpp"
#include "cli/timestamp_options.hpp"
#include "core/bounded_read.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "platform/terminal.hpp"
#include "policy/naming.hpp"
#include "signing/sign_policy.hpp"

namespace cipolicy::cli {
namespace fs = std::filesystem;

namespace {

struct SignJob {
    std::vector<std::string> inputs;
    std::optional<fs::path> output;
    std::optional<fs::path> output_dir;
    SignSettings settings;
    bool continue_on_error = false;
    std::size_t jobs = 1;  // files signed at once
};

fs::path destination_for(const SignJob& job, const fs::path& input, const policy::Policy& p) {
    if (job.output) return *job.output;
    fs::path dir = job.output_dir ? *job.output_dir : input.parent_path();
    return dir / policy::signed_file_name(p);
}

bool same_file(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    return fs::exists(b, ec) && fs::equivalent(a, b, ec);
}

// --depfile: written only when every file was signed, so a failed run leaves the build out of date.
void write_sign_depfile(const po::variables_map& vm, const Settings& settings,
                        const std::vector<std::string>& inputs, const nlohmann::json& results) {
    std::vector<fs::path> targets, deps(inputs.begin(), inputs.end());
    for (const auto& r : results) targets.emplace_back(r["output"].get<std::string>());
    for (auto& f : files_read_by(settings, config_file(vm))) deps.push_back(std::move(f));
    const std::string text = depfile_text(targets, deps);
    const fs::path file = vm["depfile"].as<std::string>();
    std::error_code ec;
    if (file.has_parent_path()) fs::create_directories(file.parent_path(), ec);
    write_file_atomically(
        file, ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

// Two inputs that would be written to the same name (the same PolicyID) are found before anything
// is signed or written. Inputs that cannot be read are left to the signing loop to report.
void refuse_colliding_outputs(const SignJob& job) {
    if (job.output || job.inputs.size() < 2) return;
    std::map<fs::path, std::string> seen;
    for (const auto& name : job.inputs) {
        fs::path input(name);
        std::optional<policy::Policy> p;
        try {
            p = check_signable_input(read_bounded(input, kMaxPolicyBytes, "policy binary"), name);
        } catch (const Error&) {
            continue;
        }
        fs::path dest = fs::absolute(destination_for(job, input, *p)).lexically_normal();
        auto [it, inserted] = seen.emplace(dest, name);
        if (!inserted)
            throw Error(ExitCode::usage,
                        name + ": has the same PolicyID " + p->policy_id().to_string() + " as " +
                            it->second + ", so both would be written to " +
                            destination_for(job, input, *p).string() +
                            "; nothing was signed (sign them in separate runs with --output-dir, "
                            "or give one a new PolicyID with cipolicy set-id --reset)");
    }
}

}  // namespace

int run_sign(const Args& args) {
    po::options_description opts("sign options");
    opts.add_options()("input", po::value<std::vector<std::string>>()->required(),
                       "policy binaries (paths, wildcards, @listfile)")(
        "output,o", po::value<std::string>(), "output file (one input only)")(
        "output-dir", po::value<std::string>(),
        "output folder; files are named {PolicyID}.cip or SiPolicy.p7b")(
        "allow-unsigned-option",
        "sign even if option 6 (Enabled:Unsigned System Integrity Policy) is set")(
        "allow-unauthorized-signer",
        "sign even if UpdatePolicySigners do not name the signing chain")(
        "continue-on-error", "go on with the next file after a failure")(
        "depfile", po::value<std::string>(),
        "after success, write a Make-style dependency file: the outputs depend on the inputs, "
        "the configuration and the key, certificate and metadata files it names")(
        "jobs", po::value<unsigned>(),
        "files signed at once (default 16 with Trusted Signing, 1 with a local key)");
    opts.add(signing_options());
    opts.add(timestamp_options());
    po::positional_options_description pos;
    pos.add("input", -1);
    ParsedArgs a = parse_args("sign", map_az_aliases(args), opts, pos);
    if (a.help) {
        print_help(
            "sign INPUT... (--cert FILE --key FILE | --pfx FILE) [--chain FILE] [--root FILE]... "
            "| (--metadata FILE | --endpoint URL --account NAME --profile NAME) "
            "[-o OUT | --output-dir DIR]",
            "Signs compiled policy binaries the way `signtool sign /p7co "
            "1.3.6.1.4.1.311.79.1 /fd sha256` does.\nWithout -o or --output-dir, each "
            "signed file is written beside its input as {PolicyID}.cip or SiPolicy.p7b.",
            opts, pos);
        return 0;
    }
    Console out(a.flags);
    const auto& vm = a.vm;
    SignJob job;
    job.inputs = expand_inputs(vm["input"].as<std::vector<std::string>>());
    if (vm.count("output")) job.output = vm["output"].as<std::string>();
    if (vm.count("output-dir")) job.output_dir = vm["output-dir"].as<std::string>();
    if (job.output && job.output_dir)
        throw Error(ExitCode::usage, "sign: give -o/--output or --output-dir, not both");
    if (job.output && job.inputs.size() > 1)
        throw Error(ExitCode::usage, "sign: -o/--output takes one input; use --output-dir for " +
                                         std::to_string(job.inputs.size()) + " inputs");
    Settings settings = resolve_settings(vm);
    if (!job.output && !job.output_dir && settings.output_dir) job.output_dir = settings.output_dir;
    job.settings.digest = settings.digest.value_or(DigestAlgorithm::sha256);
    job.settings.allow_unsigned_option = vm.count("allow-unsigned-option") > 0;
    job.settings.allow_unauthorized_signer = vm.count("allow-unauthorized-signer") > 0;
    job.continue_on_error = vm.count("continue-on-error") > 0;
    refuse_colliding_outputs(job);
    job.settings.roots = load_roots(settings);
    std::mutex detail_mutex;
    if (a.flags.verbose)
        job.settings.detail = [&](const std::string& line) {
            std::lock_guard lock(detail_mutex);
            out.detail(line);
        };
    job.jobs = wants_trusted_signing(settings) ? 16 : 1;
    if (vm.count("jobs")) {
        job.jobs = vm["jobs"].as<unsigned>();
        if (job.jobs < 1 || job.jobs > 64)
            throw Error(ExitCode::usage, "sign: --jobs must be between 1 and 64");
    }
    std::unique_ptr<Signer> signer =
        open_signer(settings, vm, [&](const std::string& w) { out.warning(w); });
    // Trusted Signing certificates live three days: without a timestamp the policy stops
    // validating almost at once, so timestamping is on by default there.
    bool short_lived = settings.provider == Provider::trusted_signing;
    std::unique_ptr<timestamp::TsaClient> timestamper =
        make_timestamp_client(vm, settings, short_lived ? timestamp::kMicrosoftTsaUrl : "");
    if (short_lived && !timestamper)
        out.warning(
            "--no-timestamp: Trusted Signing certificates are valid for 3 days; without a "
            "timestamp this policy's signature stops validating when the certificate expires",
            WarningCode::no_timestamp);
    job.settings.timestamper = timestamper.get();
    job.settings.timestamp_optional = vm.count("timestamp-optional") > 0;
    out.detail("key loaded: " + signer->describe());
    for (const auto& root : job.settings.roots)
        out.detail("root given: '" + root.common_name() + "'");
    if (timestamper)
        for (const auto& url : timestamper->options().urls) out.detail("timestamp server: " + url);
    if (job.output_dir) {
        std::error_code ec;
        fs::create_directories(*job.output_dir, ec);
        if (ec)
            throw Error(ExitCode::output,
                        job.output_dir->string() + ": cannot create folder: " + ec.message());
    }

    bool progress = platform::stderr_is_terminal() && job.inputs.size() > 1 && !a.flags.quiet;
    std::set<fs::path> written;
    nlohmann::json results = nlohmann::json::array();
    std::size_t failed = 0, done = 0;
    std::optional<Error> first_error;
    // Up to job.jobs files are signed at once (a remote signer spends most of its time waiting);
    // naming, writing and reporting happen one file at a time under `mutex`.
    std::vector<nlohmann::json> entries(job.inputs.size());
    std::mutex mutex;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    auto sign_one = [&](std::size_t index) {
        fs::path input(job.inputs[index]);
        nlohmann::json entry{{"input", input.string()}};
        try {
            Bytes data = read_bounded(input, kMaxPolicyBytes, "policy binary");
            SignedPolicy signed_policy = sign_policy(data, input.string(), *signer, job.settings);
            fs::path dest = destination_for(job, input, signed_policy.policy);
            std::lock_guard lock(mutex);
            if (same_file(input, dest))
                throw Error(ExitCode::usage, input.string() +
                                                 ": the output would overwrite the input; choose "
                                                 "-o or --output-dir");
            if (!written.insert(fs::absolute(dest).lexically_normal()).second)
                throw Error(ExitCode::usage, input.string() + ": " + dest.string() +
                                                 " was already written in this run (two inputs "
                                                 "with the same PolicyID?)");
            for (const auto& w : signed_policy.warnings) out.warning(w.message, w.code);
            PendingFile file(dest, signed_policy.bytes);
            file.commit();
            out.detail("written: " + dest.string());
            ++done;
            entry["output"] = dest.string();
            entry["status"] = "signed";
            entry["policyId"] = signed_policy.policy.policy_id().to_string();
            nlohmann::json warnings = nlohmann::json::array();
            for (const auto& w : signed_policy.warnings) warnings.push_back(w.message);
            entry["warnings"] = warnings;
            if (progress)
                std::fprintf(stderr, "\r[%zu/%zu] %s", done + failed, job.inputs.size(),
                             input.filename().string().c_str());
            out.result("signed " + input.string() + " -> " + dest.string());
            entries[index] = entry;
        } catch (const std::exception& ex) {
            // Not only Error: an exception must not escape a worker thread.
            const auto* known = dynamic_cast<const Error*>(&ex);
            Error e = known ? Error(known->code(), about_file(input.string(), known->what()))
                            : Error(ExitCode::internal, input.string() + ": internal error: " +
                                                            ex.what() + " (please report this)");
            std::lock_guard lock(mutex);
            ++failed;
            if (!first_error) first_error = e;
            entry["status"] = "failed";
            entry["error"] = e.what();
            entry["exitCode"] = static_cast<int>(e.code());
            out.error(e.what(), e.code());
            entries[index] = entry;
            if (!job.continue_on_error) stop = true;
        }
    };
    auto worker = [&] {
        for (std::size_t i = next++; !stop && i < job.inputs.size(); i = next++) sign_one(i);
    };
    std::size_t workers = std::min(job.jobs, job.inputs.size());
    if (workers <= 1) {
        worker();
    } else {
        std::vector<std::jthread> pool;
        for (std::size_t w = 0; w < workers; ++w) pool.emplace_back(worker);
    }
    for (auto& entry : entries)
        if (!entry.is_null()) results.push_back(std::move(entry));
    if (progress) std::fprintf(stderr, "\n");
    out.json(results);
    if (failed == 0) {
        if (vm.count("depfile")) write_sign_depfile(vm, settings, job.inputs, results);
        return 0;
    }
    if (done > 0) return static_cast<int>(ExitCode::partial);
    return static_cast<int>(first_error->code());
}

}  // namespace cipolicy::cli
