#pragma once
// `check`: would Windows run this file under this policy? A base policy and its supplementals are
// indexed once; each file is then decided from its facts (tool/pe) the way App Control decides:
// explicit denials (the base's only) first, then allow rules (the base's and the supplementals'),
// then the options that change the outcome. docs/check.md gives each step and its source.

#include <memory>
#include <vector>

#include "check/decision.hpp"
#include "check/policy_source.hpp"
#include "pe/pe_file.hpp"

namespace cipolicy::check {

class Checker {
  public:
    // Throws Error(input) when a supplemental is not a supplemental of `base` (its BasePolicyID
    // is not the base's PolicyID) or the base does not allow supplemental policies, since Windows
    // would not combine them; and when a policy's indices point past their tables.
    explicit Checker(PolicySource base, std::vector<PolicySource> supplementals = {});
    ~Checker();
    Checker(const Checker&) = delete;
    Checker& operator=(const Checker&) = delete;

    // Thread-safe: the index is read-only once built.
    Decision check(const pe::PeFile& file) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cipolicy::check
