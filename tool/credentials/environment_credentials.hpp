#pragma once
// The credentials configured by variables, as the Azure SDK's: client secret, client certificate
// (EnvironmentCredential) and workload identity federation (WorkloadIdentityCredential).

#include <memory>

#include "credentials/credential.hpp"
#include "http/client.hpp"

namespace cipolicy::credentials {

// AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET, or + AZURE_CLIENT_CERTIFICATE_PATH
// (PEM with certificate and key, or PKCS#12 with AZURE_CLIENT_CERTIFICATE_PASSWORD).
// `require` restricts it to "secret" or "certificate" (for --credential); empty = either.
std::unique_ptr<TokenCredential> environment_credential(http::Client& client,
                                                        std::string require = {},
                                                        TokenTarget target = {});

// AZURE_FEDERATED_TOKEN_FILE + AZURE_TENANT_ID + AZURE_CLIENT_ID; the file is re-read each time
// (Kubernetes and GitHub rotate it).
std::unique_ptr<TokenCredential> workload_identity_credential(http::Client& client,
                                                              TokenTarget target = {});

}  // namespace cipolicy::credentials
