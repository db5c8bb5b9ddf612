#pragma once
// Managed identity: App Service / Functions (IDENTITY_ENDPOINT + IDENTITY_HEADER) or the VM
// instance metadata service (IMDS). AZURE_CLIENT_ID selects a user-assigned identity.
// CIPOLICY_IMDS_ENDPOINT replaces http://169.254.169.254 (tests point it at a local server).

#include <memory>

#include "credentials/credential.hpp"
#include "http/client.hpp"

namespace cipolicy::credentials {

std::unique_ptr<TokenCredential> managed_identity_credential(http::Client& client,
                                                             TokenTarget target = {});

}  // namespace cipolicy::credentials
