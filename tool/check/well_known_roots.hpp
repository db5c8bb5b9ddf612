#pragma once
// Windows' well-known roots (CertRoot Type="Wellknown"): the numbers and names Microsoft lists in
// "Understanding App Control event tags" (docs/check.md), and the keys cipolicy can match a chain
// against. Windows carries these roots itself; signed files leave them out, so a chain reaches
// one when its topmost certificate is issued under that root's key (its authority key identifier
// equals the root's subject key identifier), or is the root.

#include <cstdint>
#include <string>
#include <string_view>

#include "check/rule_match.hpp"

namespace cipolicy::check {

// "Microsoft Product Root 2010", or "well-known root 0x2A" for a number Microsoft does not list.
std::string well_known_root_name(std::uint32_t id);

// yes / no, or unknown when cipolicy does not know that root's key and the chain ends at a
// Microsoft certificate (it might be that root).
Match chain_reaches_well_known_root(const pe::Signature& signature, std::uint32_t id);

}  // namespace cipolicy::check
