#pragma once
// The Azure CLI's signed-in account: runs `az account get-access-token` directly (no shell, fixed
// arguments; AZURE_TENANT_ID adds --tenant) and reads its JSON.

#include <memory>

#include "credentials/credential.hpp"

namespace cipolicy::credentials {

std::unique_ptr<TokenCredential> azure_cli_credential(std::string audience = kAudience);

}  // namespace cipolicy::credentials
