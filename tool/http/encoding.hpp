#pragma once
// The text encodings the web APIs need: base64 (standard and URL-safe), form/URL escaping, and
// random UUIDs for request and correlation ids.

#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace cipolicy::http {

std::string base64_encode(ByteView data);
std::string base64url_encode(ByteView data);  // no padding (JWT)
// Standard base64; whitespace (the CRLFs of MIME base64) is skipped. nullopt when malformed.
std::optional<Bytes> base64_decode(std::string_view text);

// Percent-encodes everything but RFC 3986 unreserved characters (for paths, queries and forms).
std::string url_escape(std::string_view text);

// A random (version 4) UUID in lower case.
std::string random_uuid();

}  // namespace cipolicy::http
