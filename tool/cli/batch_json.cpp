#include "cli/batch_json.hpp"

#include <nlohmann/json.hpp>

namespace cipolicy::cli {

nlohmann::json batch_json(const std::vector<signing::FileResult>& results) {
    using Status = signing::FileResult::Status;
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : results) {
        nlohmann::json entry{{"input", r.input}};
        switch (r.status) {
            case Status::signed_file:
                entry["status"] = "signed";
                entry["output"] = r.output;
                entry["policyId"] = r.policy_id;
                entry["warnings"] = r.warnings;
                break;
            case Status::timestamped:
                entry["status"] = "timestamped";
                entry["output"] = r.output;
                entry["time"] = r.time;
                break;
            case Status::failed:
                entry["status"] = "failed";
                entry["error"] = r.error ? r.error->what() : "";
                entry["exitCode"] = r.error ? static_cast<int>(r.error->code()) : 0;
                break;
        }
        out.push_back(std::move(entry));
    }
    return out;
}

}  // namespace cipolicy::cli
