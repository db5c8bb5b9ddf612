#include "crypto/digest.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/error.hpp"
#include "crypto/ossl.hpp"

namespace cipolicy::crypto {

namespace {
struct DigestInfo {
    DigestAlgorithm alg;
    std::string_view name;
    std::string_view oid;
};
constexpr std::array<DigestInfo, 4> kDigests{{
    {DigestAlgorithm::sha1, "sha1", "1.3.14.3.2.26"},
    {DigestAlgorithm::sha256, "sha256", "2.16.840.1.101.3.4.2.1"},
    {DigestAlgorithm::sha384, "sha384", "2.16.840.1.101.3.4.2.2"},
    {DigestAlgorithm::sha512, "sha512", "2.16.840.1.101.3.4.2.3"},
}};

const DigestInfo& info(DigestAlgorithm alg) {
    return *std::find_if(kDigests.begin(), kDigests.end(),
                         [&](const DigestInfo& d) { return d.alg == alg; });
}
}  // namespace

const EVP_MD* evp_md(DigestAlgorithm alg) {
    switch (alg) {
        case DigestAlgorithm::sha1:
            return EVP_sha1();
        case DigestAlgorithm::sha256:
            return EVP_sha256();
        case DigestAlgorithm::sha384:
            return EVP_sha384();
        case DigestAlgorithm::sha512:
            return EVP_sha512();
    }
    return EVP_sha256();
}

std::string_view digest_name(DigestAlgorithm alg) {
    return info(alg).name;
}
std::string_view digest_oid(DigestAlgorithm alg) {
    return info(alg).oid;
}

std::optional<DigestAlgorithm> digest_from_name(std::string_view name) {
    std::string folded;
    for (char c : name)
        if (c != '-')
            folded.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    for (const auto& d : kDigests)
        if (d.name == folded) return d.alg;
    return std::nullopt;
}

std::optional<DigestAlgorithm> digest_from_oid(std::string_view dotted) {
    for (const auto& d : kDigests)
        if (d.oid == dotted) return d.alg;
    return std::nullopt;
}

Bytes hash(DigestAlgorithm alg, ByteView data) {
    Bytes out(static_cast<std::size_t>(EVP_MD_get_size(evp_md(alg))));
    unsigned int len = 0;
    if (!EVP_Digest(data.data(), data.size(), out.data(), &len, evp_md(alg), nullptr))
        throw Error(ExitCode::internal, "hashing failed: " + ossl::last_error());
    out.resize(len);
    return out;
}

}  // namespace cipolicy::crypto
