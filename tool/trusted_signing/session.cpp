#include "trusted_signing/session.hpp"

namespace cipolicy::trusted_signing {

Session::Session(SessionOptions options)
    : http_(std::make_unique<http::Client>(options.http)),
      tokens_(std::make_unique<credentials::TokenProvider>(
          credentials::make_credential(options.credential, *http_))),
      client_(std::make_unique<ServiceClient>(std::move(options.service), *http_, *tokens_)) {}

}  // namespace cipolicy::trusted_signing
