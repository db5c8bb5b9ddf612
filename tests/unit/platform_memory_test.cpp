// platform::prepare_for_writing: on Linux the pages of a fresh buffer are resident after the call
// (mincore says so), the contents of memory already written are kept, and odd spans are safe.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <vector>

#include "platform/memory.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

using cipolicy::platform::prepare_for_writing;

TEST_CASE("prepare_for_writing keeps contents and accepts any span", "[platform]") {
    std::vector<std::uint8_t> data(300 * 1024);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7);
    prepare_for_writing(data.data() + 3, data.size() - 5);  // unaligned at both ends
    prepare_for_writing(data.data(), 0);
    prepare_for_writing(nullptr, 0);
    prepare_for_writing(data.data() + 1, 100);  // under the threshold: nothing to do
    std::size_t kept = 0;
    for (std::size_t i = 0; i < data.size(); ++i)
        kept += data[i] == static_cast<std::uint8_t>(i * 7);
    CHECK(kept == data.size());
}

#if defined(__linux__)
namespace {
// How many of the whole pages in [p, p + size) are resident.
std::size_t resident_pages(void* p, std::size_t size) {
    const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    const auto first = (reinterpret_cast<std::uintptr_t>(p) + page - 1) & ~(page - 1);
    const auto last = (reinterpret_cast<std::uintptr_t>(p) + size) & ~(page - 1);
    std::vector<unsigned char> in((last - first) / page);
    REQUIRE(mincore(reinterpret_cast<void*>(first), last - first, in.data()) == 0);
    std::size_t n = 0;
    for (unsigned char c : in) n += c & 1;
    return n;
}
}  // namespace

TEST_CASE("prepare_for_writing makes a fresh mapping resident on Linux", "[platform]") {
    constexpr std::size_t kSize = 2 << 20;
    // Whether this system populates at all (Linux 5.14+), asked of a mapping of the test's own:
    // the call must succeed and the pages then be resident (qemu-user answers 0 and does nothing).
    void* probe = mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(probe != MAP_FAILED);
    const bool system_can =
        madvise(probe, kSize, MADV_POPULATE_WRITE) == 0 && resident_pages(probe, kSize) > 0;
    munmap(probe, kSize);
    if (!system_can) {
        WARN(
            "this system does not populate memory on request (Linux 5.14+, not under "
            "qemu-user); nothing to check");
        return;
    }
    void* p = mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    REQUIRE(resident_pages(p, kSize) == 0);  // untouched anonymous memory has no pages yet
    prepare_for_writing(p, kSize);
    CHECK(resident_pages(p, kSize) == kSize / static_cast<std::size_t>(sysconf(_SC_PAGESIZE)));
    munmap(p, kSize);
}
#endif
