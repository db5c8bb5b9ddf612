#pragma once
// Keeps an object until the process exits, never destroying it (LLVM's BuryPointer does the
// same): a command's last use of a large model ends the process, and destroying the model first
// means thousands of free() calls and unmapping its largest blocks, work the system's exit does
// anyway (4% of a block list's compile). The pointer stays reachable from a static array, so leak
// checkers (LeakSanitizer) do not count it as lost.

#include <memory>

namespace cipolicy {

namespace detail {
void keep_until_exit(const void* object);
}

// For the end of a command only: `object` is never destroyed, and its destructor never runs.
template <class T>
void bury(std::unique_ptr<T> object) {
    detail::keep_until_exit(object.release());
}

}  // namespace cipolicy
