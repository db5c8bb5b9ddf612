#include "signing/output_naming.hpp"

#include <map>

#include "core/bounded_read.hpp"
#include "core/error.hpp"
#include "core/setting_name.hpp"
#include "policy/naming.hpp"
#include "signing/sign_policy.hpp"

namespace cipolicy::signing {

namespace fs = std::filesystem;

fs::path OutputNaming::destination(const fs::path& input, const policy::Policy& p) const {
    if (output) return *output;
    fs::path dir = output_dir ? *output_dir : input.parent_path();
    return dir / policy::signed_file_name(p);
}

void OutputNaming::prepare() const {
    if (!output_dir) return;
    std::error_code ec;
    fs::create_directories(*output_dir, ec);
    if (ec)
        throw Error(ExitCode::output,
                    output_dir->string() + ": cannot create folder: " + ec.message());
}

void refuse_colliding_outputs(const OutputNaming& naming, const std::vector<std::string>& inputs) {
    if (naming.output || inputs.size() < 2) return;
    std::map<fs::path, std::string> seen;
    for (const auto& name : inputs) {
        fs::path input(name);
        std::optional<policy::Policy> p;
        try {
            p = check_signable_input(read_bounded(input, kMaxPolicyBytes, "policy binary"), name);
        } catch (const Error&) {
            continue;
        }
        fs::path dest = naming.destination(input, *p);
        auto [it, inserted] = seen.emplace(fs::absolute(dest).lexically_normal(), name);
        if (!inserted)
            throw Error(ExitCode::usage,
                        name + ": has the same PolicyID " + p->policy_id().to_string() + " as " +
                            it->second + ", so both would be written to " + dest.string() +
                            "; nothing was signed (sign them in separate runs with " +
                            setting_name("output.dir") +
                            ", or give one a new PolicyID with cipolicy set-id --reset)");
    }
}

void OutputClaims::claim(const fs::path& input, const fs::path& destination) {
    std::error_code ec;
    if (fs::exists(destination, ec) && fs::equivalent(input, destination, ec))
        throw Error(ExitCode::usage, input.string() +
                                         ": the output would overwrite the input; give another " +
                                         "-o/--output or " + setting_name("output.dir"));
    if (!claimed_.insert(fs::absolute(destination).lexically_normal()).second)
        throw Error(ExitCode::usage, input.string() + ": " + destination.string() +
                                         " was already written in this run (two inputs "
                                         "with the same PolicyID?)");
}

}  // namespace cipolicy::signing
