#include "cli/policy_input.hpp"

#include "cms/signed_policy_reader.hpp"
#include "core/bounded_read.hpp"
#include "core/error.hpp"
#include "policy/binary_reader.hpp"

namespace cipolicy::cli {

PolicyFile read_policy_or_signed(const std::string& path) {
    PolicyFile f;
    f.data = read_bounded(path, kMaxPolicyBytes, "policy binary or signed policy");
    f.is_signed = cms::looks_like_signed_data(f.data);
    ByteView content = f.data;
    if (f.is_signed) {
        cms::SignedPolicyView v = cms::read_signed_policy(f.data, path);
        if (!v.content) throw Error(ExitCode::input, path + ": the signed file carries no policy");
        content = *v.content;
    }
    f.policy_bytes.assign(content.begin(), content.end());
    try {
        f.policy = policy::read_policy_binary(content);
    } catch (const Error& e) {
        throw Error(ExitCode::input, path + ": " + e.what());
    }
    return f;
}

}  // namespace cipolicy::cli
