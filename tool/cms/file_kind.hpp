#pragma once
// What an input file is, so that a command given the wrong kind of file can say what it got
// ("an unsigned policy binary", "a certificate") instead of a parser's complaint about a byte.

#include <string>

#include "core/bytes.hpp"

namespace cipolicy::cms {

enum class FileKind {
    signed_policy,   // a DER ContentInfo(signedData) that parses as such at the top
    damaged_signed,  // starts like one (SEQUENCE, signedData OID) but does not parse
    policy_binary,   // an unsigned CI policy binary
    policy_xml,      // text starting with '<' (UTF-8 with or without BOM, or UTF-16)
    certificate,     // an X.509 certificate, DER or PEM
    unknown,
};

FileKind identify_file(ByteView data);

// Policy XML by its first bytes: a BOM (UTF-8, UTF-16) or '<' after whitespace.
bool looks_like_xml(ByteView data);

// "an unsigned policy binary", "policy XML", "a certificate", ...
std::string describe(FileKind kind);

}  // namespace cipolicy::cms
