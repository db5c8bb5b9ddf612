#pragma once
// Reads the primitives of the binary policy format (section 1 of spec/policy-binary.md) from an
// untrusted buffer. Every read is bounds-checked, and every failure is an Error(input) naming the
// byte offset and what was expected there.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "policy/guid.hpp"
#include "policy/text.hpp"
#include "policy/version.hpp"

namespace cipolicy::policy {

// "0x1A4"
std::string hex_offset(std::uint64_t value);

class BinaryCursor {
  public:
    explicit BinaryCursor(ByteView data) : data_(data) {}

    std::size_t offset() const { return offset_; }
    std::size_t remaining() const { return data_.size() - offset_; }
    std::size_t size() const { return data_.size(); }

    // "policy binary: offset 0x1A4: <problem>"
    [[noreturn]] void fail(std::size_t at, const std::string& problem) const;

    std::uint32_t u32(std::string_view what);
    std::uint64_t u64(std::string_view what);
    Version version(std::string_view what) { return Version::from_u64(u64(what)); }
    Guid guid(std::string_view what);
    // u32 length + bytes + zero padding to 4.
    Bytes blob(std::string_view what);
    // Blob of UTF-16LE + a u32 zero; length 0 means absent.
    PolicyString string(std::string_view what);
    // A u32 count of items at least `min_item_size` bytes long each: a count that cannot fit in
    // what remains is rejected before anything is allocated for it.
    std::uint32_t count(std::string_view what, std::size_t min_item_size);
    // The same check for a count read earlier, at offset `at`.
    void check_count(std::size_t at, std::string_view what, std::uint32_t n,
                     std::size_t min_item_size) const;
    // u32 index checked against `limit`, the size of the table it points into.
    std::uint32_t index(std::string_view what, std::size_t limit, std::string_view table);
    // u32 count + that many indices, each checked like index().
    std::vector<std::uint32_t> index_list(std::string_view what, std::size_t limit,
                                          std::string_view table);
    // u32 count + that many u32 values that index nothing the reader can check.
    std::vector<std::uint32_t> u32_list(std::string_view what);
    // A u32 that must equal `expected`.
    void expect_u32(std::uint32_t expected, std::string_view what);

  private:
    void need(std::size_t n, std::string_view what) const;
    ByteView take(std::size_t n, std::string_view what);
    void padding(std::size_t length, std::string_view what);

    ByteView data_;
    std::size_t offset_ = 0;
};

}  // namespace cipolicy::policy
