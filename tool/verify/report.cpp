#include "verify/report.hpp"

#include <nlohmann/json.hpp>

namespace cipolicy::verify {

void VerifyReport::add(CheckArea area, CheckStatus status, std::string check, std::string message) {
    findings.push_back({area, status, std::move(check), std::move(message)});
}

bool VerifyReport::has_failure(CheckArea area) const {
    for (const auto& f : findings)
        if (f.area == area && f.status == CheckStatus::fail) return true;
    return false;
}

Verdict VerifyReport::verdict() const {
    if (has_failure(CheckArea::structure) || has_failure(CheckArea::signature) ||
        has_failure(CheckArea::timestamp))
        return Verdict::invalid;
    if (has_failure(CheckArea::chain)) return Verdict::not_anchored;
    if (has_failure(CheckArea::policy)) return Verdict::rules_unsatisfied;
    return Verdict::valid;
}

std::string_view verdict_text(Verdict v) {
    switch (v) {
        case Verdict::valid:
            return "valid";
        case Verdict::invalid:
            return "invalid";
        case Verdict::not_anchored:
            return "signature valid, not anchored";
        case Verdict::rules_unsatisfied:
            return "signature valid, policy rules not satisfied";
    }
    return "?";
}

ExitCode exit_code(Verdict v) {
    switch (v) {
        case Verdict::valid:
            return ExitCode::ok;
        case Verdict::invalid:
            return ExitCode::verify_failed;
        case Verdict::not_anchored:
            return ExitCode::not_anchored;
        case Verdict::rules_unsatisfied:
            return ExitCode::rules_unsatisfied;
    }
    return ExitCode::internal;
}

static std::string_view status_name(CheckStatus s) {
    switch (s) {
        case CheckStatus::pass:
            return "pass";
        case CheckStatus::warn:
            return "warn";
        case CheckStatus::fail:
            return "fail";
        case CheckStatus::info:
            return "info";
    }
    return "?";
}

static std::string_view area_name(CheckArea a) {
    switch (a) {
        case CheckArea::structure:
            return "structure";
        case CheckArea::signature:
            return "signature";
        case CheckArea::chain:
            return "chain";
        case CheckArea::timestamp:
            return "timestamp";
        case CheckArea::policy:
            return "policy";
        case CheckArea::file_name:
            return "file-name";
    }
    return "?";
}

nlohmann::json to_json(const VerifyReport& report) {
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : report.findings)
        findings.push_back({{"area", area_name(f.area)},
                            {"status", status_name(f.status)},
                            {"check", f.check},
                            {"message", f.message}});
    Verdict v = report.verdict();
    const auto& facts = report.facts;
    return {
        {"file", report.file},
        {"verdict", verdict_text(v)},
        {"exitCode", static_cast<int>(exit_code(v))},
        {"digest", facts.digest},
        {"signer",
         {{"subject", facts.signer_subject},
          {"issuer", facts.signer_issuer},
          {"serial", facts.signer_serial}}},
        {"chain", facts.chain},
        {"policyId", facts.policy_id},
        {"basePolicyId", facts.base_policy_id},
        {"timestamp", facts.timestamp.empty() ? nlohmann::json() : nlohmann::json(facts.timestamp)},
        {"findings", findings}};
}

}  // namespace cipolicy::verify
