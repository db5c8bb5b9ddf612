#include "pe/layout.hpp"

#include "core/error.hpp"

namespace cipolicy::pe {

namespace {

constexpr std::size_t kMaxSections = 96;  // the PE format's own limit
constexpr std::uint32_t kCertDirectory = 4;
constexpr std::uint32_t kResourceDirectory = 2;

[[noreturn]] void damaged(const std::string& source, const std::string& what) {
    throw Error(ExitCode::input, source + ": not a valid PE file: " + what);
}

}  // namespace

std::uint16_t u16(ByteView data, std::size_t at) {
    return static_cast<std::uint16_t>(data[at] | (data[at + 1] << 8));
}

std::uint32_t u32(ByteView data, std::size_t at) {
    return static_cast<std::uint32_t>(data[at]) | (static_cast<std::uint32_t>(data[at + 1]) << 8) |
           (static_cast<std::uint32_t>(data[at + 2]) << 16) |
           (static_cast<std::uint32_t>(data[at + 3]) << 24);
}

Layout read_layout(ByteView image, const std::string& source) {
    const std::size_t n = image.size();
    if (n < 64 || image[0] != 'M' || image[1] != 'Z') damaged(source, "no MZ header");
    const std::size_t pe = u32(image, 0x3c);
    if (pe > n || n - pe < 24) damaged(source, "e_lfanew points past the end of the file");
    if (image[pe] != 'P' || image[pe + 1] != 'E' || image[pe + 2] != 0 || image[pe + 3] != 0)
        damaged(source, "no PE signature at e_lfanew");
    Layout l;
    const std::size_t coff = pe + 4;
    l.machine = u16(image, coff);
    const std::size_t section_count = u16(image, coff + 2);
    const std::size_t optional_size = u16(image, coff + 16);
    const std::size_t opt = coff + 20;
    if (section_count > kMaxSections)
        damaged(source, "NumberOfSections " + std::to_string(section_count) + " exceeds 96");
    if (optional_size < 96 || opt + optional_size > n)
        damaged(source, "optional header truncated or too small");
    const std::uint16_t magic = u16(image, opt);
    if (magic != 0x10b && magic != 0x20b)
        damaged(source, "optional header magic is neither PE32 nor PE32+");
    l.pe32_plus = magic == 0x20b;
    l.checksum_offset = opt + 64;
    l.subsystem = u16(image, opt + 68);
    l.size_of_headers = u32(image, opt + 60);
    const std::size_t count_at = l.pe32_plus ? opt + 108 : opt + 92;
    const std::size_t dirs = l.pe32_plus ? opt + 112 : opt + 96;
    if (count_at + 4 > opt + optional_size) damaged(source, "optional header truncated");
    std::size_t directory_count = u32(image, count_at);
    const std::size_t room = (opt + optional_size - dirs) / 8;
    if (directory_count > room) directory_count = room;  // as Windows: what the header holds
    auto directory = [&](std::uint32_t index) -> std::optional<Range> {
        if (index >= directory_count) return std::nullopt;
        const std::size_t at = dirs + 8 * index;
        return Range{u32(image, at), u32(image, at + 4)};
    };
    if (kCertDirectory < directory_count) l.cert_entry_offset = dirs + 8 * kCertDirectory;
    if (auto cert = directory(kCertDirectory); cert && cert->offset != 0 && cert->size != 0) {
        // A file offset, not an RVA: the table is not mapped into memory.
        if (cert->offset > n || cert->size > n - cert->offset)
            damaged(source, "the certificate table (offset " + std::to_string(cert->offset) +
                                ", size " + std::to_string(cert->size) +
                                ") lies outside the file of " + std::to_string(n) + " bytes");
        if (cert->offset < opt + optional_size)
            damaged(source, "the certificate table overlaps the headers");
        l.cert_table = cert;
    }
    if (auto res = directory(kResourceDirectory); res && res->offset != 0 && res->size != 0)
        l.resources = res;
    const std::size_t table = opt + optional_size;
    if (table + 40 * section_count > n) damaged(source, "the section table runs past the end");
    for (std::size_t i = 0; i < section_count; ++i) {
        const std::size_t s = table + 40 * i;
        l.sections.push_back(
            Section{u32(image, s + 12), u32(image, s + 8), u32(image, s + 16), u32(image, s + 20)});
    }
    return l;
}

std::optional<std::size_t> file_offset(const Layout& layout, ByteView image, std::uint32_t rva,
                                       std::size_t size) {
    auto inside = [&](std::uint64_t off) -> std::optional<std::size_t> {
        if (off > image.size() || size > image.size() - off) return std::nullopt;
        return static_cast<std::size_t>(off);
    };
    for (const Section& s : layout.sections) {
        const std::uint64_t span = s.raw_size;  // only bytes backed by the file can be read
        if (rva >= s.virtual_address && rva - s.virtual_address < span &&
            size <= span - (rva - s.virtual_address))
            return inside(static_cast<std::uint64_t>(s.raw_offset) + (rva - s.virtual_address));
    }
    if (rva < layout.size_of_headers && size <= layout.size_of_headers - rva) return inside(rva);
    return std::nullopt;
}

}  // namespace cipolicy::pe
