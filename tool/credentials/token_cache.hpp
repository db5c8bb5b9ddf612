#pragma once
// The hook between the credential chain and the build cache: a credential whose tokens the runs
// of one build share, keyed by everything that decides whose token it is and what it is for.

#include <memory>

#include "credentials/credential.hpp"
#include "credentials/credential_chain.hpp"

namespace cipolicy::credentials {

// `inner` itself when options.cache_dir is unset or the token is handed over as it is (an
// access-token file or CIPOLICY_ACCESS_TOKEN, which no request fetches); otherwise `inner`
// behind the build cache.
std::unique_ptr<TokenCredential> with_build_cache(std::unique_ptr<TokenCredential> inner,
                                                  const CredentialOptions& options);

// What a cached token is for: the credential type, audience, authority, tenant, client, the
// federated-token file, the managed identity endpoint and the Azure CLI's signed-in profile. Two
// credentials that differ in any of them never read each other's token.
std::string token_cache_key(const CredentialOptions& options);

}  // namespace cipolicy::credentials
