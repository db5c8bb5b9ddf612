#include "policy/binary_cursor.hpp"

#include <cstdio>

#include "core/error.hpp"

namespace cipolicy::policy {

std::string hex_offset(std::uint64_t value) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llX", static_cast<unsigned long long>(value));
    return buf;
}

void BinaryCursor::fail(std::size_t at, const std::string& problem) const {
    throw Error(ExitCode::input, "policy binary: offset " + hex_offset(at) + ": " + problem);
}

void BinaryCursor::need(std::size_t n, std::string_view what) const {
    if (n > remaining())
        fail(offset_, "expected " + std::string(what) + " (" + std::to_string(n) +
                          " bytes) but the data ends (size " + hex_offset(size()) + ")");
}

ByteView BinaryCursor::take(std::size_t n, std::string_view what) {
    need(n, what);
    ByteView out = data_.subspan(offset_, n);
    offset_ += n;
    return out;
}

std::uint32_t BinaryCursor::u32(std::string_view what) {
    ByteView b = take(4, what);
    return std::uint32_t{b[0]} | std::uint32_t{b[1]} << 8 | std::uint32_t{b[2]} << 16 |
           std::uint32_t{b[3]} << 24;
}

std::uint64_t BinaryCursor::u64(std::string_view what) {
    need(8, what);
    const std::uint64_t low = u32(what);
    return low | std::uint64_t{u32(what)} << 32;
}

Guid BinaryCursor::guid(std::string_view what) {
    return Guid::from_bytes(take(16, what));
}

void BinaryCursor::padding(std::size_t length, std::string_view what) {
    const std::size_t pad = (4 - length % 4) % 4;
    const std::size_t at = offset_;
    for (auto b : take(pad, std::string(what) + " padding"))
        if (b != 0) fail(at, std::string(what) + " padding is not zero");
}

Bytes BinaryCursor::blob(std::string_view what) {
    const std::size_t at = offset_;
    const std::uint32_t length = u32(std::string(what) + " length");
    if (length > remaining())
        fail(at, std::string(what) + " length " + std::to_string(length) +
                     " runs past the end of the data (size " + hex_offset(size()) + ")");
    ByteView bytes = take(length, what);
    padding(length, what);
    return Bytes(bytes.begin(), bytes.end());
}

PolicyString BinaryCursor::string(std::string_view what) {
    const std::size_t at = offset_;
    const std::uint32_t length = u32(std::string(what) + " length");
    if (length > remaining())
        fail(at, std::string(what) + " length " + std::to_string(length) +
                     " runs past the end of the data (size " + hex_offset(size()) + ")");
    if (length % 2 != 0)
        fail(at, std::string(what) + " length " + std::to_string(length) +
                     " is odd, but the text is UTF-16");
    ByteView bytes = take(length, what);
    padding(length, what);
    const std::size_t terminator_at = offset_;
    const std::uint32_t terminator = u32(std::string(what) + " terminator");
    if (terminator != 0)
        fail(terminator_at,
             std::string(what) + " terminator is " + hex_offset(terminator) + ", expected 0");
    if (length == 0) return std::nullopt;
    std::u16string text(length / 2, u'\0');
    for (std::size_t i = 0; i < text.size(); ++i)
        text[i] = static_cast<char16_t>(bytes[2 * i] | bytes[2 * i + 1] << 8);
    return text;
}

std::uint32_t BinaryCursor::count(std::string_view what, std::size_t min_item_size) {
    const std::size_t at = offset_;
    const std::uint32_t n = u32(what);
    check_count(at, what, n, min_item_size);
    return n;
}

void BinaryCursor::check_count(std::size_t at, std::string_view what, std::uint32_t n,
                               std::size_t min_item_size) const {
    if (n > remaining() / min_item_size)
        fail(at, std::string(what) + " " + std::to_string(n) + " cannot fit in the " +
                     hex_offset(remaining()) + " bytes that remain after offset " +
                     hex_offset(offset_));
}

std::vector<std::uint32_t> BinaryCursor::u32_list(std::string_view what) {
    const std::uint32_t n = count(std::string(what) + " count", 4);
    std::vector<std::uint32_t> out;
    out.reserve(n);
    for (std::uint32_t k = 0; k < n; ++k) out.push_back(u32(what));
    return out;
}

std::uint32_t BinaryCursor::index(std::string_view what, std::size_t limit,
                                  std::string_view table) {
    const std::size_t at = offset_;
    const std::uint32_t i = u32(what);
    if (i >= limit)
        fail(at, std::string(what) + " " + std::to_string(i) + " is out of range (the policy has " +
                     std::to_string(limit) + " " + std::string(table) + ")");
    return i;
}

std::vector<std::uint32_t> BinaryCursor::index_list(std::string_view what, std::size_t limit,
                                                    std::string_view table) {
    const std::uint32_t n = count(std::string(what) + " count", 4);
    std::vector<std::uint32_t> out;
    out.reserve(n);
    for (std::uint32_t k = 0; k < n; ++k) out.push_back(index(what, limit, table));
    return out;
}

void BinaryCursor::expect_u32(std::uint32_t expected, std::string_view what) {
    const std::size_t at = offset_;
    const std::uint32_t v = u32(what);
    if (v != expected)
        fail(at, std::string(what) + " is " + hex_offset(v) + ", expected " + hex_offset(expected));
}

}  // namespace cipolicy::policy
