#pragma once
// metadata.json, as Az.CodeSigning and signtool's Trusted Signing plugin read it.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cipolicy::trusted_signing {

struct Metadata {
    std::string endpoint;
    std::string account;
    std::string profile;
    std::optional<std::string> correlation_id;
    std::vector<std::string> exclude_credentials;
};

// Keys are case-insensitive; TrustedSigningAccountName and ArtifactSigningAccountName are
// accepted for CodeSigningAccountName (Microsoft documents them but its own code ignores them).
// Throws Error(input) naming the file and key: unknown keys (listing the known ones), wrong
// types, missing Endpoint / account / profile.
Metadata read_metadata(const std::filesystem::path& path);

// The same for text already read; `where` names it in errors.
Metadata parse_metadata(const std::string& text, const std::string& where);

}  // namespace cipolicy::trusted_signing
