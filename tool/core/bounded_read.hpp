#pragma once
// Reading an input that may be hostile or simply wrong (/dev/zero, a 100 MB "metadata.json"):
// never more than a documented number of bytes, so memory stays bounded and the error is clear.

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/bytes.hpp"

namespace cipolicy {

// The caps, documented in docs/cli.md. Real policies are at most a few MB (the largest
// Microsoft block lists are about 3 MB of XML); certificates, keys and configuration are KB.
inline constexpr std::uintmax_t kMaxPolicyBytes = 64u << 20;  // XML, binaries, signed files
inline constexpr std::uintmax_t kMaxConfigBytes = 1u << 20;   // JSON, YAML, lists, secrets
inline constexpr std::uintmax_t kMaxKeyFileBytes = 1u << 20;  // certificates, keys, PFX

// Reads at most `max` bytes of `path`; a larger file (or an endless device) is Error(input)
// naming the path, the cap and `what` it should be. Other failures as read_file.
Bytes read_bounded(const std::filesystem::path& path, std::uintmax_t max, const char* what);

// read_bounded into a string, byte for byte (a BOM kept): for text a parser decodes itself.
std::string read_bounded_string(const std::filesystem::path& path, std::uintmax_t max,
                                const char* what);

// read_bounded as text, without a UTF-8 byte order mark.
std::string read_bounded_text(const std::filesystem::path& path, std::uintmax_t max,
                              const char* what);

}  // namespace cipolicy
