#include "check/file_facts.hpp"

#include "core/error.hpp"
#include "policy/ordinal_ignore_case.hpp"
#include "policy/text.hpp"

namespace cipolicy::check {

std::u16string upper(std::u16string_view text) {
    std::u16string out(text);
    for (auto& c : out) c = policy::invariant_upper(c);
    return out;
}

namespace {

std::u16string upper_utf8(const std::string& text) {
    try {
        return upper(policy::utf8_to_utf16(text));
    } catch (const Error&) {
        return {};  // a name that is not text matches no rule
    }
}

}  // namespace

FileFacts facts_of(const pe::PeFile& file) {
    FileFacts f;
    f.pe = &file;
    f.scenario = pe::scenario_of(file.mode);
    if (file.version.file_version) {
        f.has_version = true;
        f.version.parts = *file.version.file_version;
    }
    f.names[static_cast<int>(NameField::original_filename)] =
        upper_utf8(file.version.original_filename);
    f.names[static_cast<int>(NameField::internal_name)] = upper_utf8(file.version.internal_name);
    f.names[static_cast<int>(NameField::file_description)] =
        upper_utf8(file.version.file_description);
    f.names[static_cast<int>(NameField::product_name)] = upper_utf8(file.version.product_name);
    for (const auto& s : file.signatures) {
        if (s.digest_matches) f.page_hashes_apply = true;
        const std::string which = s.nested ? "a nested signature" : "the signature";
        if (!s.digest_matches)
            f.signature_notes.push_back(which +
                                        " does not match the file's Authenticode hash (the file "
                                        "was changed after signing): not used");
        else if (!s.signature_valid)
            f.signature_notes.push_back(which + " does not verify: not used");
        else if (s.chain.empty())
            f.signature_notes.push_back(which + " has no signer certificate: not used");
        else if (s.chain.front().key_algorithm != pe::KeyAlgorithm::rsa)
            f.signature_notes.push_back(which +
                                        " is not RSA; App Control signer rules accept RSA "
                                        "signatures only: not used");
        else
            f.usable_signatures.push_back(&s);
    }
    return f;
}

}  // namespace cipolicy::check
