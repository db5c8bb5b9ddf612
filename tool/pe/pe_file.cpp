#include "pe/pe_file.hpp"

#include "core/bounded_read.hpp"
#include "core/error.hpp"
#include "pe/authenticode.hpp"
#include "pe/image_hash.hpp"
#include "pe/layout.hpp"
#include "pe/version_info.hpp"

namespace cipolicy::pe {

namespace {
constexpr std::uint16_t kSubsystemNative = 1;
}

bool looks_like_pe(ByteView head) {
    if (head.size() < 64 || head[0] != 'M' || head[1] != 'Z') return false;
    const std::size_t pe = u32(head, 0x3c);
    return pe <= head.size() && head.size() - pe >= 4 && head[pe] == 'P' && head[pe + 1] == 'E' &&
           head[pe + 2] == 0 && head[pe + 3] == 0;
}

int scenario_of(Mode mode) {
    return mode == Mode::kernel ? kKernelScenario : kUserScenario;
}

PeFile read_pe(ByteView image, const std::string& source) {
    const Layout layout = read_layout(image, source);
    PeFile f;
    f.machine = layout.machine;
    f.subsystem = layout.subsystem;
    f.pe32_plus = layout.pe32_plus;
    f.mode = layout.subsystem == kSubsystemNative ? Mode::kernel : Mode::user;
    f.size = image.size();
    ImageHashes h = hash_image(image, layout);
    if (layout.cert_table)
        f.signatures = read_signatures(
            image.subspan(layout.cert_table->offset, layout.cert_table->size), h, source);
    f.authenticode_sha1 = std::move(h.authenticode_sha1);
    f.authenticode_sha256 = std::move(h.authenticode_sha256);
    f.page_sha1 = std::move(h.page_sha1);
    f.page_sha256 = std::move(h.page_sha256);
    f.version = read_version_info(image, layout, f.notes);
    return f;
}

PeFile read_pe_file(const std::filesystem::path& path) {
    const Bytes image = read_bounded(path, kMaxPeBytes, "a PE file");
    return read_pe(image, path.string());
}

}  // namespace cipolicy::pe
