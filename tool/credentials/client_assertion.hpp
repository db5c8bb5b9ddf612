#pragma once
// The signed JWT a client certificate proves itself with to Entra ID (RFC 7523): RS256, with the
// certificate's SHA-1 thumbprint as the x5t header, valid for ten minutes.

#include <string>

#include "crypto/key_material.hpp"

namespace cipolicy::credentials {

// `audience` is the token endpoint URL. Throws Error(credential) when the key cannot sign.
std::string make_client_assertion(const crypto::KeyMaterial& key, const std::string& client_id,
                                  const std::string& audience);

}  // namespace cipolicy::credentials
