#pragma once
// The embedded Authenticode signatures of a PE image (internal to pe/): the attribute certificate
// table's WIN_CERTIFICATE entries, each a PKCS#7 SignedData over an SpcIndirectDataContent.

#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "pe/image_hash.hpp"
#include "pe/pe_file.hpp"

namespace cipolicy::pe {

// Every signature in `table` (primary first, then nested ones). A signature that cannot be read
// is kept with its `problem` set; nothing here throws for a damaged signature.
std::vector<Signature> read_signatures(ByteView table, const ImageHashes& hashes,
                                       const std::string& source);

}  // namespace cipolicy::pe
