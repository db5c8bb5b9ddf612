#include "scan/policy_id.hpp"

#include "crypto/digest.hpp"

namespace cipolicy::scan {

policy::Guid derived_policy_id(const std::string& name, const std::string& base_policy_id) {
    std::string input = "cipolicy scan policy id";
    input += '\0';
    input += name;
    input += '\0';
    input += base_policy_id;
    const Bytes h =
        crypto::hash(crypto::DigestAlgorithm::sha256,
                     ByteView(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()));
    Bytes text_order(h.begin(), h.begin() + 16);
    text_order[6] = static_cast<std::uint8_t>((text_order[6] & 0x0F) | 0x80);  // version 8
    text_order[8] = static_cast<std::uint8_t>((text_order[8] & 0x3F) | 0x80);  // variant
    const std::string hex = to_hex(text_order);
    const std::string braced = "{" + hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" +
                               hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" + hex.substr(20) +
                               "}";
    return *policy::Guid::parse(braced);
}

}  // namespace cipolicy::scan
