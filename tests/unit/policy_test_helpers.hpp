#pragma once
// Building and patching policy binaries in policy tests.

#include <cstdint>
#include <string>

#include "core/bytes.hpp"
#include "policy/model.hpp"

namespace cipolicy::test {

// A 32-byte stand-in for a certificate's TBS hash.
Bytes fake_tbs_hash();

// make_signable_base_policy with fake_tbs_hash() and a fixed PolicyID.
policy::Policy sample_policy();

std::uint32_t u32_at(const Bytes& b, std::size_t offset);
void put_u32(Bytes& b, std::size_t offset, std::uint32_t value);

// Offset of the only occurrence of `pattern` at or after `from`; fails the test otherwise.
std::size_t find_unique(const Bytes& b, const Bytes& pattern, std::size_t from = 0);

// The message of the cipolicy::Error(input) that reading `data` throws; fails the test when the
// read succeeds or throws anything else.
std::string read_error(const Bytes& data);

}  // namespace cipolicy::test
