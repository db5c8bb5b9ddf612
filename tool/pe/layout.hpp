#pragma once
// The parts of a PE image's headers the reader needs, found and bounds-checked once (internal to
// pe/). Every offset here lies inside the image it was read from.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"

namespace cipolicy::pe {

struct Section {
    std::uint32_t virtual_address = 0;
    std::uint32_t virtual_size = 0;
    std::uint32_t raw_size = 0;
    std::uint32_t raw_offset = 0;
};

struct Range {
    std::size_t offset = 0;
    std::size_t size = 0;
};

struct Layout {
    std::uint16_t machine = 0;
    std::uint16_t subsystem = 0;
    bool pe32_plus = false;
    std::size_t checksum_offset = 0;  // the optional header's CheckSum (4 bytes)
    // The Certificate Table data-directory entry (8 bytes); absent when the optional header has
    // fewer than five directories.
    std::optional<std::size_t> cert_entry_offset;
    std::optional<Range> cert_table;  // the attribute certificate table, inside the file
    std::uint32_t size_of_headers = 0;
    std::optional<Range> resources;  // resource directory data (RVA, size)
    std::vector<Section> sections;
};

// Reads and checks the headers; Error(input) naming `source` and the field when they are damaged.
Layout read_layout(ByteView image, const std::string& source);

// The file offset of `rva` with at least `size` bytes behind it, or nullopt when no section (or
// the headers) maps it inside the file.
std::optional<std::size_t> file_offset(const Layout& layout, ByteView image, std::uint32_t rva,
                                       std::size_t size);

// Little-endian reads; callers check bounds first.
std::uint16_t u16(ByteView data, std::size_t at);
std::uint32_t u32(ByteView data, std::size_t at);

}  // namespace cipolicy::pe
