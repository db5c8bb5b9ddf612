#pragma once
// No command writes its output over one of its inputs: `compile X.xml -o X.xml` would replace the
// source with the binary, `new-policy --update-signer C.cer -o C.cer` the certificate.

#include <filesystem>
#include <initializer_list>
#include <string>

namespace cipolicy::cli {

// Throws Error(usage) when `output` is (the same file as) one of `inputs`; empty inputs are
// skipped. `command` and `flag` name what to change.
void refuse_output_onto_input(const std::filesystem::path& output,
                              std::initializer_list<std::filesystem::path> inputs,
                              const std::string& command, const std::string& flag = "-o");

}  // namespace cipolicy::cli
