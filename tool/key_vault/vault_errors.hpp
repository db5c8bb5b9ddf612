#pragma once
// Key Vault's failure answers as one actionable line: the challenge of a 401, the role a 403
// lacks, the object a 404 did not find.

#include <string>

#include "core/error.hpp"
#include "http/client.hpp"

namespace cipolicy::key_vault {

// Key Vault's own "code: message" ({"error":{"code","message","innererror"}}), escaped, or "".
std::string vault_message(const http::Response& response);

// The Error for a final failure answer to `url` (shown without its query). `what` names the
// operation's object ("certificate 'policy-signer'", "key .../keys/k/v") and `role` the RBAC
// role it needs.
Error error_for_response(const http::Response& response, const std::string& url,
                         const std::string& what, const std::string& role);

}  // namespace cipolicy::key_vault
