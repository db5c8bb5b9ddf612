#include "pe/version_info.hpp"

#include <algorithm>
#include <cstdio>

#include "pe/utf16.hpp"

namespace cipolicy::pe {

namespace {

constexpr std::uint32_t kRtVersion = 16;
constexpr std::size_t kMaxVersionBytes = 64u << 10;  // real VERSIONINFO is < 4 KB
constexpr std::size_t kMaxDirectoryEntries = 4096;
constexpr std::size_t kMaxBlocks = 512;  // children visited in one VERSIONINFO

// The first entry of a resource directory at `dir` (offset inside the resource section data)
// whose ID is `id` (or any entry when id < 0): its OffsetToData field.
std::optional<std::uint32_t> directory_entry(ByteView rsrc, std::size_t dir, long id) {
    if (dir > rsrc.size() || rsrc.size() - dir < 16) return std::nullopt;
    const std::size_t named = u16(rsrc, dir + 12);
    const std::size_t ids = u16(rsrc, dir + 14);
    const std::size_t count = std::min(named + ids, kMaxDirectoryEntries);
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t e = dir + 16 + 8 * i;
        if (e + 8 > rsrc.size()) return std::nullopt;
        const std::uint32_t name = u32(rsrc, e);
        if (id < 0 || (!(name & 0x80000000u) && name == static_cast<std::uint32_t>(id)))
            return u32(rsrc, e + 4);
    }
    return std::nullopt;
}

struct Block {
    std::string key;
    ByteView value;  // wValueLength bytes (or WCHARs for text), clipped to the block
    bool text = false;
    ByteView children;  // the rest of the block
};

std::size_t align4(std::size_t n) {
    return (n + 3) & ~std::size_t{3};
}

// One VERSIONINFO block at `data[at]`; nullopt when it does not fit.
std::optional<Block> read_block(ByteView data, std::size_t at, std::size_t& next) {
    if (at > data.size() || data.size() - at < 6) return std::nullopt;
    const std::size_t length = u16(data, at);
    if (length < 6 || length > data.size() - at) return std::nullopt;
    const ByteView block = data.subspan(at, length);
    next = at + align4(length);
    Block b;
    const std::size_t value_length = u16(block, 2);
    b.text = u16(block, 4) == 1;
    std::size_t p = 6;
    while (p + 1 < block.size() && (block[p] || block[p + 1])) p += 2;
    b.key = utf16_to_utf8(block.subspan(6, p - 6), Endian::little);
    p = align4(p + 2);
    if (p > block.size()) p = block.size();
    const std::size_t value_bytes =
        std::min(b.text ? value_length * 2 : value_length, block.size() - p);
    b.value = block.subspan(p, value_bytes);
    const std::size_t children = std::min(align4(p + value_bytes), block.size());
    b.children = block.subspan(children);
    return b;
}

template <typename F>
void for_each_child(ByteView data, F&& f) {
    std::size_t at = 0;
    for (std::size_t n = 0; n < kMaxBlocks && at < data.size(); ++n) {
        std::size_t next = 0;
        auto b = read_block(data, at, next);
        if (!b) return;
        f(*b);
        at = next;
    }
}

}  // namespace

VersionInfo read_version_info(ByteView image, const Layout& layout,
                              std::vector<std::string>& notes) {
    VersionInfo info;
    if (!layout.resources) return info;
    const std::uint32_t rva = static_cast<std::uint32_t>(layout.resources->offset);
    // The resource directory's offsets are relative to its start; read the whole directory data
    // as far as the file backs it.
    std::size_t size = layout.resources->size;
    std::optional<std::size_t> base;
    while (size > 0 && !(base = file_offset(layout, image, rva, size))) size /= 2;
    if (!base) {
        notes.push_back("resource directory not inside the file");
        return info;
    }
    const ByteView rsrc = image.subspan(*base, size);
    auto type = directory_entry(rsrc, 0, kRtVersion);
    if (!type || !(*type & 0x80000000u)) return info;
    auto name = directory_entry(rsrc, *type & 0x7fffffffu, -1);
    if (!name || !(*name & 0x80000000u)) return info;
    auto language = directory_entry(rsrc, *name & 0x7fffffffu, -1);
    if (!language || (*language & 0x80000000u) || *language > rsrc.size() ||
        rsrc.size() - *language < 16) {
        notes.push_back("RT_VERSION resource entry damaged");
        return info;
    }
    const std::uint32_t data_rva = u32(rsrc, *language);
    const std::size_t data_size = std::min<std::size_t>(u32(rsrc, *language + 4), kMaxVersionBytes);
    auto data_at = file_offset(layout, image, data_rva, data_size);
    if (!data_at) {
        notes.push_back("VERSIONINFO data not inside the file");
        return info;
    }
    const ByteView data = image.subspan(*data_at, data_size);
    std::size_t next = 0;
    auto root = read_block(data, 0, next);
    if (!root || root->key != "VS_VERSION_INFO") {
        notes.push_back("VERSIONINFO damaged");
        return info;
    }
    if (root->value.size() >= 16 && u32(root->value, 0) == 0xFEEF04BDu) {
        const std::uint32_t ms = u32(root->value, 8), ls = u32(root->value, 12);
        info.file_version = std::array<std::uint16_t, 4>{
            static_cast<std::uint16_t>(ms >> 16), static_cast<std::uint16_t>(ms & 0xffff),
            static_cast<std::uint16_t>(ls >> 16), static_cast<std::uint16_t>(ls & 0xffff)};
    }
    // The first translation (VarFileInfo\Translation) names the string table to read.
    std::string wanted;
    for_each_child(root->children, [&](const Block& b) {
        if (b.key != "VarFileInfo" || !wanted.empty()) return;
        for_each_child(b.children, [&](const Block& v) {
            if (v.key == "Translation" && v.value.size() >= 4 && wanted.empty()) {
                char key[9];
                std::snprintf(key, sizeof key, "%04x%04x", u16(v.value, 0), u16(v.value, 2));
                wanted = key;
            }
        });
    });
    bool done = false;
    auto read_table = [&](const Block& table) {
        for_each_child(table.children, [&](const Block& s) {
            const std::string value = utf16_to_utf8(s.value, Endian::little);
            if (s.key == "OriginalFilename")
                info.original_filename = value;
            else if (s.key == "InternalName")
                info.internal_name = value;
            else if (s.key == "FileDescription")
                info.file_description = value;
            else if (s.key == "ProductName")
                info.product_name = value;
            else if (s.key == "CompanyName")
                info.company_name = value;
        });
        done = true;
    };
    auto lower = [](std::string s) {
        for (char& c : s)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        return s;
    };
    for (int pass = 0; pass < 2 && !done; ++pass) {
        for_each_child(root->children, [&](const Block& b) {
            if (b.key != "StringFileInfo" || done) return;
            for_each_child(b.children, [&](const Block& table) {
                // First pass: the translation's table; second: the first table there is.
                if (!done && (pass == 1 || (!wanted.empty() && lower(table.key) == wanted)))
                    read_table(table);
            });
        });
    }
    return info;
}

}  // namespace cipolicy::pe
