#pragma once
// Shared helpers for unit tests: where the oracles live, and reading test files.

#include <filesystem>
#include <optional>
#include <string>

#include "core/bytes.hpp"

namespace cipolicy::test {

// ../shared beside the checkout, or $CIPOLICY_SHARED_DIR; nullopt when absent.
std::optional<std::filesystem::path> shared_dir();

// The oracle at `relative` (e.g. "oracles/signed/WOA_OEMA0-KEK.der"). Call only from tests tagged
// [oracle]; the runner skips those when shared_dir() is empty.
std::filesystem::path oracle(const std::filesystem::path& relative);

Bytes read_bytes(const std::filesystem::path& path);

// `text` written as cipolicy.yaml in a new temporary folder; returns the file's path.
std::filesystem::path write_config(const std::string& text);

// Sets (or, with nullptr, removes) an environment variable of this process.
void set_env(const char* name, const char* value);

}  // namespace cipolicy::test
