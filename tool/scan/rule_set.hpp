#pragma once
// The rules a scan generates, keyed by their content-derived IDs so that the same file met twice
// (or the same signer met in many files) adds nothing new, and the output does not depend on the
// order files were found in.

#include <map>
#include <set>
#include <string>

#include "pe/pe_file.hpp"
#include "scan/level.hpp"

namespace cipolicy::scan {

// An <Allow> or <FileAttrib> element; empty strings are absent attributes.
struct FileRuleXml {
    bool file_attrib = false;
    std::string id;
    std::string friendly_name;
    std::string file_name;  // FileName (OriginalFilename)
    std::string minimum_file_version;
    std::string hash;  // upper-case hex
    std::string file_path;
};

struct SignerXml {
    std::string id;
    std::string name;
    std::string tbs;  // CertRoot Type="TBS" Value, upper-case hex
    bool whql_eku = false;
    std::string publisher;  // CertPublisher
    std::string oem_id;     // CertOemID
    std::set<std::string> file_attrib_ids;
};

struct ScenarioRules {
    std::set<std::string> allowed_signers;
    std::set<std::string> file_rules;
};

struct RuleSet {
    std::map<std::string, FileRuleXml> file_rules;  // by ID
    std::map<std::string, SignerXml> signers;       // by ID
    ScenarioRules kernel, user;
};

// Adds the rules that describe `file` at `level` (named `file_name` in FriendlyNames, `relative`
// its path below the scanned folder, for FilePath). Returns an empty string when it did, else why
// the level cannot describe this file (unsigned, no VERSIONINFO, ECDSA signer, kernel-mode
// FilePath, ...), and then adds nothing.
std::string add_rules(RuleSet& rules, const pe::PeFile& file, const std::string& file_name,
                      const std::string& relative, Level level);

}  // namespace cipolicy::scan
