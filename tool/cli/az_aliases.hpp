#pragma once
// The parameter spellings of the Az.CodeSigning cmdlets (-AccountName, -ProfileName, ...), mapped
// onto cipolicy's options before parsing, so that scripts can be moved over word for word.
// docs/az-mapping.md lists them.

#include "cli/commands.hpp"

namespace cipolicy::cli {

// Replaces each Az spelling (any case, one or two dashes) by its cipolicy option; `-Path X`
// becomes the plain input `X`. Everything else is left as it is.
Args map_az_aliases(const Args& args);

}  // namespace cipolicy::cli
