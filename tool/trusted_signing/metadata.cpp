#include "trusted_signing/metadata.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "core/ascii.hpp"
#include "core/bounded_read.hpp"
#include "core/error.hpp"
#include "core/quote.hpp"

namespace cipolicy::trusted_signing {

namespace {

const char* const kKnown =
    "Endpoint, CodeSigningAccountName (or TrustedSigningAccountName, ArtifactSigningAccountName), "
    "CertificateProfileName, CorrelationId, ExcludeCredentials";

}  // namespace

Metadata read_metadata(const std::filesystem::path& path) {
    return parse_metadata(read_bounded_text(path, kMaxConfigBytes, "metadata.json"), path.string());
}

Metadata parse_metadata(const std::string& text, const std::string& where) {
    // JSON parsers resolve a duplicate key silently (nlohmann keeps the last), and keys here are
    // case-insensitive: with "Endpoint" twice the token could go to whichever host wins.
    std::vector<std::set<std::string>> seen;
    std::string duplicate;
    auto no_duplicates = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        using E = nlohmann::json::parse_event_t;
        if (event == E::object_start) seen.emplace_back();
        if (event == E::object_end && !seen.empty()) seen.pop_back();
        if (event == E::key && !seen.empty() &&
            !seen.back().insert(ascii_lower(parsed.get<std::string>())).second && duplicate.empty())
            duplicate = parsed.get<std::string>();
        return true;
    };
    nlohmann::json doc = nlohmann::json::parse(text, no_duplicates, false);
    if (!duplicate.empty())
        throw Error(ExitCode::input, where + ": the key " + quote(duplicate) +
                                         " is given twice (keys are case-insensitive); keep one");
    if (doc.is_discarded() || !doc.is_object())
        throw Error(ExitCode::input, where +
                                         ": not a JSON object; expected {\"Endpoint\": ..., "
                                         "\"CodeSigningAccountName\": ..., "
                                         "\"CertificateProfileName\": ...}");
    Metadata m;
    auto string_of = [&](const std::string& key, const nlohmann::json& v) {
        if (!v.is_string()) throw Error(ExitCode::input, where + ": " + key + " must be a string");
        return v.get<std::string>();
    };
    for (const auto& [key, value] : doc.items()) {
        std::string k = ascii_lower(key);
        if (k == "endpoint") {
            m.endpoint = string_of(key, value);
        } else if (k == "codesigningaccountname" || k == "trustedsigningaccountname" ||
                   k == "artifactsigningaccountname") {
            if (!m.account.empty())
                throw Error(ExitCode::input,
                            where + ": the account name is given twice (" + key + ")");
            m.account = string_of(key, value);
        } else if (k == "certificateprofilename") {
            m.profile = string_of(key, value);
        } else if (k == "correlationid") {
            if (!value.is_null()) m.correlation_id = string_of(key, value);
        } else if (k == "excludecredentials") {
            if (!value.is_array())
                throw Error(ExitCode::input, where + ": " + key + " must be an array of names");
            for (const auto& v : value) m.exclude_credentials.push_back(string_of(key, v));
        } else {
            throw Error(ExitCode::input,
                        where + ": unknown key " + quote(key) + "; known keys: " + kKnown);
        }
    }
    if (m.endpoint.empty()) throw Error(ExitCode::input, where + ": Endpoint is missing");
    if (m.account.empty())
        throw Error(ExitCode::input, where + ": CodeSigningAccountName is missing");
    if (m.profile.empty())
        throw Error(ExitCode::input, where + ": CertificateProfileName is missing");
    return m;
}

}  // namespace cipolicy::trusted_signing
