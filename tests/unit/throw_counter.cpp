#include "throw_counter.hpp"

#include <atomic>
#include <typeinfo>

namespace {
std::atomic<std::size_t> thrown{0};
}

#if defined(CIPOLICY_TEST_COUNTS_THROWS)
extern "C" {
[[noreturn]] void __real___cxa_throw(void*, std::type_info*, void (*)(void*));
[[noreturn]] void __wrap___cxa_throw(void* exception, std::type_info* type,
                                     void (*destroy)(void*)) {
    thrown.fetch_add(1, std::memory_order_relaxed);
    __real___cxa_throw(exception, type, destroy);
}
}
#endif

namespace cipolicy::test {

bool throws_counted() {
#if defined(CIPOLICY_TEST_COUNTS_THROWS)
    return true;
#else
    return false;
#endif
}

std::size_t exceptions_thrown() {
    return thrown.load(std::memory_order_relaxed);
}

}  // namespace cipolicy::test
