#pragma once
// The options that choose and open a signing key, shared by commands that sign.

#include <memory>

#include "cli/options.hpp"
#include "signing/signer.hpp"

namespace cipolicy::cli {

// --cert/--key/--chain, --pfx and their password sources.
po::options_description local_key_options();

// Opens the signer the options name. Throws Error(usage) when the combination is incomplete.
std::unique_ptr<Signer> open_signer(const po::variables_map& vm);

}  // namespace cipolicy::cli
