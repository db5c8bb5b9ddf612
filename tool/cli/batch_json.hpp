#pragma once
// The --json form of a batch's results (sign, timestamp): one object per file, in input order.

#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "signing/batch.hpp"

namespace cipolicy::cli {

// {"input", "status": "signed", "output", "policyId", "warnings": [...]} /
// {"input", "status": "timestamped", "output", "time"} /
// {"input", "status": "failed", "error", "exitCode"}.
nlohmann::json batch_json(const std::vector<signing::FileResult>& results);

}  // namespace cipolicy::cli
