#pragma once
// The encodings policy XML arrives in: UTF-8 with or without a byte order mark (what the wizard
// and most editors write) and UTF-16 with one (what Windows PowerShell 5.1's Out-File, `>` and
// New-CIPolicy write, with encoding="utf-16" in the declaration). The parser sees UTF-8 only;
// edits are saved back in the encoding the file had.

#include <string>

namespace cipolicy::policy {

enum class XmlEncoding { utf8, utf8_bom, utf16le, utf16be };

struct DecodedXml {
    std::string utf8;  // without the byte order mark
    XmlEncoding encoding = XmlEncoding::utf8;
};

// Detects the encoding by the byte order mark and converts to UTF-8. Throws Error(input)
// "path(line,col): ..." for UTF-16 that is cut short, has an unpaired surrogate or has no byte
// order mark. UTF-8 is checked later, by the well-formedness check.
DecodedXml decode_xml(std::string bytes, const std::string& path);

// `utf8` (without a byte order mark) in `encoding`, with the mark that encoding had.
std::string encode_xml(const std::string& utf8, XmlEncoding encoding);

}  // namespace cipolicy::policy
