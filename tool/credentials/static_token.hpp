#pragma once
// A token obtained elsewhere and handed over: $CIPOLICY_ACCESS_TOKEN or --access-token-file
// (never an argument: command lines are visible to every user of the machine).

#include <filesystem>
#include <memory>
#include <optional>

#include "credentials/credential.hpp"

namespace cipolicy::credentials {

std::unique_ptr<TokenCredential> access_token_credential(std::optional<std::filesystem::path> file);

}  // namespace cipolicy::credentials
