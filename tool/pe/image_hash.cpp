#include "pe/image_hash.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "core/error.hpp"
#include "crypto/ossl.hpp"

namespace cipolicy::pe {

namespace {

constexpr std::size_t kPageSize = 4096;

// SHA-1 and SHA-256 fed the same bytes.
class TwoDigests {
  public:
    TwoDigests() {
        if (!sha1_ || !sha256_ || EVP_DigestInit_ex(sha1_.get(), EVP_sha1(), nullptr) != 1 ||
            EVP_DigestInit_ex(sha256_.get(), EVP_sha256(), nullptr) != 1)
            throw Error(ExitCode::internal,
                        "cannot start SHA-1/SHA-256: " + crypto::ossl::last_error());
    }
    void update(ByteView data) {
        if (data.empty()) return;
        EVP_DigestUpdate(sha1_.get(), data.data(), data.size());
        EVP_DigestUpdate(sha256_.get(), data.data(), data.size());
    }
    void zeros(std::size_t count) {
        static const std::array<std::uint8_t, 512> kZero{};
        while (count > 0) {
            const std::size_t n = std::min(count, kZero.size());
            update(ByteView(kZero.data(), n));
            count -= n;
        }
    }
    void finish(Bytes& sha1, Bytes& sha256) {
        sha1.resize(20);
        sha256.resize(32);
        EVP_DigestFinal_ex(sha1_.get(), sha1.data(), nullptr);
        EVP_DigestFinal_ex(sha256_.get(), sha256.data(), nullptr);
    }

  private:
    crypto::ossl::MdCtxPtr sha1_{EVP_MD_CTX_new()};
    crypto::ossl::MdCtxPtr sha256_{EVP_MD_CTX_new()};
};

// Hashes image[0, end) except the CheckSum and the certificate-table entry.
void hash_without_fields(TwoDigests& d, ByteView image, const Layout& l, std::size_t end) {
    std::vector<Range> skip{{l.checksum_offset, 4}};
    if (l.cert_entry_offset) skip.push_back({*l.cert_entry_offset, 8});
    std::sort(skip.begin(), skip.end(),
              [](const Range& a, const Range& b) { return a.offset < b.offset; });
    std::size_t at = 0;
    for (const Range& r : skip) {
        if (r.offset >= end) break;
        d.update(image.subspan(at, r.offset - at));
        at = std::min(end, r.offset + r.size);
    }
    if (at < end) {
        d.update(image.subspan(at, end - at));
    }
}

}  // namespace

ImageHashes hash_image(ByteView image, const Layout& l) {
    ImageHashes out;
    {
        // Signed: everything before the certificate table (the table is the file's last part).
        // Unsigned: to the end, zero-padded to a multiple of 8 bytes.
        TwoDigests d;
        const std::size_t end = l.cert_table ? l.cert_table->offset : image.size();
        hash_without_fields(d, image, l, end);
        if (!l.cert_table && image.size() % 8 != 0) d.zeros(8 - image.size() % 8);
        d.finish(out.authenticode_sha1, out.authenticode_sha256);
    }
    {
        // First page: the headers (at most one page) without the two fields, zero-filled so the
        // page counts 4096 bytes with the fields.
        TwoDigests d;
        const std::size_t end =
            std::min({static_cast<std::size_t>(l.size_of_headers), kPageSize, image.size()});
        hash_without_fields(d, image, l, end);
        d.zeros(kPageSize - end);
        d.finish(out.page_sha1, out.page_sha256);
    }
    return out;
}

}  // namespace cipolicy::pe
