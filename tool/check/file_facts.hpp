#pragma once
// The facts of one PE file that policy rules match, prepared once per file: hashes, the names of
// its VERSIONINFO upper-cased for Windows' case-insensitive comparison, its version, and the
// signatures Windows would use.

#include <optional>
#include <string>
#include <vector>

#include "pe/pe_file.hpp"
#include "policy/version.hpp"

namespace cipolicy::check {

// The file-name attributes a FileName-level rule can name (-SpecificFileNameLevel).
enum class NameField { original_filename, internal_name, file_description, product_name };
inline constexpr int kNameFields = 4;

struct FileFacts {
    const pe::PeFile* pe = nullptr;
    int scenario = 0;  // 131 or 12
    bool has_version = false;
    policy::Version version;  // 0.0.0.0 when the file has no VS_FIXEDFILEINFO
    // Upper-cased (invariant, per UTF-16 unit) and empty when absent, indexed by NameField.
    std::u16string names[kNameFields];
    // Signatures whose digest matches the file and whose signer signature verifies, with an RSA
    // leaf: the ones Windows can match signer rules against.
    std::vector<const pe::Signature*> usable_signatures;
    // Windows matches first-page hashes only for a file whose signature covers it (it then checks
    // every page against the signature's page hashes as it loads); for any other file it computes
    // the whole Authenticode hash. True when a signature's digest matches the file.
    bool page_hashes_apply = false;
    // Why other signatures are not used (for the notes).
    std::vector<std::string> signature_notes;
};

FileFacts facts_of(const pe::PeFile& file);

// Invariant upper case of a policy or file string, the form the index keys use.
std::u16string upper(std::u16string_view text);

}  // namespace cipolicy::check
