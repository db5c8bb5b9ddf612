#pragma once
// The Authenticode and first-page hashes of an image (internal to pe/), SHA-1 and SHA-256 in one
// pass over the bytes.

#include "core/bytes.hpp"
#include "pe/layout.hpp"

namespace cipolicy::pe {

struct ImageHashes {
    Bytes authenticode_sha1, authenticode_sha256;
    Bytes page_sha1, page_sha256;
};

ImageHashes hash_image(ByteView image, const Layout& layout);

}  // namespace cipolicy::pe
