#pragma once
// The policy compiler: XML to the binary Windows loads, byte for byte what ConvertFrom-CIPolicy
// writes (see docs/compiler.md).

#include <cstdint>
#include <filesystem>
#include <optional>

#include "core/bytes.hpp"
#include "policy/model.hpp"
#include "policy/xml_source.hpp"

namespace cipolicy::policy {

inline constexpr std::uint32_t kMinCompileFormatVersion = 1;

struct CompiledPolicy {
    Policy model;  // in compiled order
    Bytes binary;
};

// Reads, checks and orders the policy, then writes it in `format_version` (1 to
// kLatestFormatVersion; by default the lowest format that holds everything the XML uses, and
// never below kDefaultFormatVersion). Throws Error(input) "file(line,col): ..." for a bad
// document (or "file: ..." naming what the format version cannot hold) and Error(usage) for an
// unsupported format version.
CompiledPolicy compile_policy(const XmlSource& source,
                              std::optional<std::uint32_t> format_version = std::nullopt);

// compile_policy in two halves, for a caller that releases the document in between (a block
// list's tree is most of a compile's memory, which the ordering and the binary then reuse):
// reading and checking, with the format version chosen; then ordering `model` in place and
// writing it (refusals name `source_path`). The model is for the binary: its file rules keep
// their IDs but not their FriendlyNames (compile_policy's keeps both).
Policy read_policy_to_compile(const XmlSource& source,
                              std::optional<std::uint32_t> format_version = std::nullopt);
Bytes write_policy_to_compile(Policy& model, const std::filesystem::path& source_path);

inline Bytes compile_policy_xml(const XmlSource& source,
                                std::optional<std::uint32_t> format_version = std::nullopt) {
    return compile_policy(source, format_version).binary;
}

}  // namespace cipolicy::policy
