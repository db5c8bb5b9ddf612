#include "signing/sign_files.hpp"

#include "core/bounded_read.hpp"
#include "core/file_io.hpp"
#include "signing/retimestamp.hpp"
#include "signing/sign_policy.hpp"

namespace cipolicy::signing {

namespace fs = std::filesystem;

namespace {

void write(const fs::path& destination, ByteView bytes, const BatchReport& report) {
    PendingFile file(destination, bytes);
    file.commit();
    if (report.detail) report.detail("written: " + destination.string());
}

}  // namespace

BatchResult sign_files(const std::vector<std::string>& inputs, const OutputNaming& naming,
                       Signer& signer, const SignSettings& settings, const BatchOptions& options,
                       const BatchReport& report) {
    naming.prepare();
    OutputClaims claims;
    auto step = [&](const std::string& name, std::mutex& serial) {
        fs::path input(name);
        Bytes data = read_bounded(input, kMaxPolicyBytes, "policy binary");
        SignedPolicy signed_policy = sign_policy(data, name, signer, settings);
        fs::path dest = naming.destination(input, signed_policy.policy);
        if (naming.check) naming.check(dest);
        FileResult result;
        result.status = FileResult::Status::signed_file;
        {
            std::lock_guard lock(serial);
            claims.claim(input, dest);
            for (const auto& w : signed_policy.warnings) {
                if (report.warning) report.warning(w);
                result.warnings.push_back(w.message);
            }
        }
        // Outside the lock: a claimed destination is this worker's alone, so the workers' writes
        // and flushes need not queue behind each other.
        PendingFile(dest, signed_policy.bytes).commit();
        std::lock_guard lock(serial);
        if (report.detail) report.detail("written: " + dest.string());
        result.output = dest.string();
        result.policy_id = signed_policy.policy.policy_id().to_string();
        return result;
    };
    return run_batch(inputs, options, step, report);
}

BatchResult timestamp_files(const std::vector<std::string>& inputs,
                            const std::optional<fs::path>& output, timestamp::TsaClient& client,
                            const BatchOptions& options, const BatchReport& report) {
    auto step = [&](const std::string& input, std::mutex& serial) {
        fs::path dest = output ? *output : fs::path(input);
        Bytes data = read_bounded(input, kMaxPolicyBytes, "signed policy");
        Retimestamped stamped = retimestamp(data, input, client, [&](const std::string& line) {
            std::lock_guard lock(serial);
            if (report.detail) report.detail(line);
        });
        std::lock_guard lock(serial);
        write(dest, stamped.bytes, report);
        FileResult result;
        result.status = FileResult::Status::timestamped;
        result.output = dest.string();
        result.time = stamped.time;
        return result;
    };
    return run_batch(inputs, options, step, report);
}

}  // namespace cipolicy::signing
