#pragma once
// `sign` and `timestamp` over files: each input read, run through the pipeline, written
// atomically; many inputs through run_batch.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "signing/batch.hpp"
#include "signing/output_naming.hpp"
#include "signing/sign_settings.hpp"
#include "signing/signer.hpp"
#include "timestamp/client.hpp"

namespace cipolicy::signing {

// Each result: signed_file, with output, policy_id and warnings.
BatchResult sign_files(const std::vector<std::string>& inputs, const OutputNaming& naming,
                       Signer& signer, const SignSettings& settings, const BatchOptions& options,
                       const BatchReport& report);

// Replaces each input, or writes to `output` (one input only). Each result: timestamped, with
// output and time.
BatchResult timestamp_files(const std::vector<std::string>& inputs,
                            const std::optional<std::filesystem::path>& output,
                            timestamp::TsaClient& client, const BatchOptions& options,
                            const BatchReport& report);

}  // namespace cipolicy::signing
