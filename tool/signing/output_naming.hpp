#pragma once
// Where a signed policy is written: -o, or {PolicyID}.cip / SiPolicy.p7b in the output folder or
// beside its input; and the checks that no run overwrites an input or writes one name twice.

#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "policy/model.hpp"

namespace cipolicy::signing {

struct OutputNaming {
    std::optional<std::filesystem::path> output;      // one input only
    std::optional<std::filesystem::path> output_dir;  // else beside the input
    // Refuses (throws) a destination that may not be written, before it is claimed: the
    // command's rule for outputs (cli/output_guard). Optional.
    std::function<void(const std::filesystem::path&)> check;

    std::filesystem::path destination(const std::filesystem::path& input,
                                      const policy::Policy& p) const;
    // Creates output_dir when given. Throws Error(output).
    void prepare() const;
};

// Two inputs that would be written to the same name (the same PolicyID) are found before anything
// is signed or written: throws Error(usage). Inputs that cannot be read are left to the signing.
void refuse_colliding_outputs(const OutputNaming& naming, const std::vector<std::string>& inputs);

// The destinations of one run, so that none overwrites its input or is written twice. Not
// thread-safe: claim under the batch's lock.
class OutputClaims {
  public:
    // Throws Error(usage) naming `input` when `destination` is `input` or already claimed.
    void claim(const std::filesystem::path& input, const std::filesystem::path& destination);

  private:
    std::set<std::filesystem::path> claimed_;
};

}  // namespace cipolicy::signing
