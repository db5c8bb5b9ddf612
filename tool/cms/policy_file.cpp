#include "cms/policy_file.hpp"

#include "cms/file_kind.hpp"
#include "cms/signed_policy_reader.hpp"
#include "core/bounded_read.hpp"
#include "core/error.hpp"
#include "policy/binary_reader.hpp"

namespace cipolicy::cms {

namespace {
std::string without_prefix(const std::string& message, const std::string& path) {
    return message.rfind(path + ": ", 0) == 0 ? message.substr(path.size() + 2) : message;
}
}  // namespace

PolicyFile read_policy_or_signed(const std::string& path) {
    PolicyFile f;
    f.data = read_bounded(path, kMaxPolicyBytes, "policy binary or signed policy");
    const FileKind kind = identify_file(f.data);
    switch (kind) {
        case FileKind::certificate:
        case FileKind::private_key:
        case FileKind::pfx:
        case FileKind::policy_xml:
            throw Error(ExitCode::input,
                        wrong_kind_message(path, kind, "a policy binary or signed policy"));
        case FileKind::damaged_signed:
            try {
                read_signed_policy(f.data, path);
            } catch (const Error& e) {
                throw Error(ExitCode::input, path + ": the signed file is damaged: " +
                                                 without_prefix(e.what(), path));
            }
            break;  // parses after all: read below as signed
        default:
            break;
    }
    f.is_signed = kind == FileKind::signed_policy || kind == FileKind::damaged_signed;
    ByteView content = f.data;
    if (f.is_signed) {
        SignedPolicyView v = read_signed_policy(f.data, path);
        if (!v.content) throw Error(ExitCode::input, path + ": the signed file carries no policy");
        content = *v.content;
    }
    f.policy_bytes.assign(content.begin(), content.end());
    try {
        f.policy = policy::read_policy_binary(content);
    } catch (const Error& e) {
        throw Error(ExitCode::input, path +
                                         (f.is_signed ? ": the policy inside the signed file: "
                                                      : ": not a CI policy binary: ") +
                                         e.what());
    }
    return f;
}

policy::XmlSource load_policy_xml(const std::string& path, bool keep_formatting) {
    std::string text = read_bounded_string(path, kMaxPolicyBytes, "policy XML");
    if (!looks_like_xml(byte_view(text))) {
        const FileKind kind = identify_file(byte_view(text));
        if (kind != FileKind::unknown)
            throw Error(ExitCode::input, wrong_kind_message(path, kind, "policy XML"));
    }
    return policy::XmlSource::from_file(path, std::move(text), keep_formatting);
}

}  // namespace cipolicy::cms
