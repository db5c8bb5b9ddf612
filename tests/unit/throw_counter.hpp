#pragma once
// Counting the C++ exceptions the process throws, where the test binary is linked with
// -Wl,--wrap=__cxa_throw (GNU ld on Linux). A success path should throw none: the first
// exception a static executable throws makes libgcc sort the unwind tables of the whole program
// (milliseconds, and twice the instructions of a local signature).

#include <cstddef>

namespace cipolicy::test {

// False where the link does not count throws (then exceptions_thrown() stays 0).
bool throws_counted();
std::size_t exceptions_thrown();

}  // namespace cipolicy::test
