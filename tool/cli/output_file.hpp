#pragma once
// Writing a command's output file the way every command does: missing parent folders are
// created, and "-" means standard output for text.

#include <filesystem>

#include "core/bytes.hpp"

namespace cipolicy::cli {

// True for "-" and for paths naming standard output (/dev/stdout): the output goes there.
bool is_stdout(const std::filesystem::path& output);

// Creates the missing folders above `output`, then writes it atomically. `text` outputs may go
// to standard output ("-"); a binary output there is refused (Error(usage) naming `option`).
void write_output(const std::filesystem::path& output, ByteView contents, bool text,
                  const char* option = "-o");

}  // namespace cipolicy::cli
