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
    private_key,     // a private key, PEM or DER (PKCS#1, PKCS#8, encrypted PKCS#8)
    pfx,             // a PKCS#12 (PFX) file
    unknown,
};

FileKind identify_file(ByteView data);

// Policy XML by its first bytes: a BOM (UTF-8, UTF-16) or '<' after whitespace.
bool looks_like_xml(ByteView data);

// "an unsigned policy binary", "policy XML", "a certificate", ...
std::string describe(FileKind kind);

// Which commands (and options) take this kind of file: "cipolicy sign takes it with --key".
// Empty for unknown files.
std::string which_command_takes(FileKind kind);

// "<path>: this is a certificate, not <expected> (cipolicy sign takes it with --cert, ...)": the
// message for a command given the wrong kind of file.
std::string wrong_kind_message(const std::string& path, FileKind kind, const std::string& expected);

}  // namespace cipolicy::cms
