#include "policy/model.hpp"

#include <string>

#include "core/error.hpp"

namespace cipolicy::policy {

Guid Policy::header_id() const {
    if (const auto* single = std::get_if<SinglePolicyFormat>(&identity))
        return single->policy_type_id;
    return std::get<MultiplePolicyFormat>(identity).base_policy_id;
}

Guid Policy::policy_id() const {
    if (const auto* single = std::get_if<SinglePolicyFormat>(&identity))
        return single->policy_type_id;
    return std::get<MultiplePolicyFormat>(identity).policy_id;
}

Guid Policy::base_policy_id() const {
    return header_id();
}

namespace {

std::vector<AuthorizedSigner> authorized(const Policy& p, const std::vector<std::uint32_t>& list,
                                         const char* list_name) {
    std::vector<AuthorizedSigner> out;
    for (auto index : list) {
        if (index >= p.signers.size())
            throw Error(ExitCode::input, std::string("policy: ") + list_name +
                                             " refers to signer index " + std::to_string(index) +
                                             ", but there are only " +
                                             std::to_string(p.signers.size()));
        AuthorizedSigner a{index, p.signers[index], {}};
        for (auto eku : a.signer.cert_ekus) {
            if (eku >= p.ekus.size())
                throw Error(ExitCode::input, "policy: signer " + std::to_string(index) +
                                                 " CertEKU refers to EKU index " +
                                                 std::to_string(eku) + ", but there are only " +
                                                 std::to_string(p.ekus.size()));
            a.eku_values.push_back(p.ekus[eku].value);
        }
        out.push_back(std::move(a));
    }
    return out;
}

}  // namespace

std::vector<AuthorizedSigner> update_policy_signers(const Policy& policy) {
    return authorized(policy, policy.update_policy_signers, "UpdatePolicySigners");
}

std::vector<AuthorizedSigner> supplemental_policy_signers(const Policy& policy) {
    return authorized(policy, policy.supplemental_policy_signers, "SupplementalPolicySigners");
}

Bytes eku_value_to_oid_der(ByteView v) {
    // An OID's content is never empty; its length byte must match what follows exactly.
    if (v.size() < 3 || v[0] != 0x01 || v[1] != v.size() - 2)
        throw Error(ExitCode::input,
                    "policy: EKU value " + to_hex(v) + " is not 01 <length> <OID bytes>");
    Bytes der{0x06};
    const std::size_t len = v.size() - 2;
    // DER needs the long length form from 128 bytes on; the EKU form's single byte allows 255.
    if (len >= 0x80) der.push_back(0x81);
    der.push_back(static_cast<std::uint8_t>(len));
    der.insert(der.end(), v.begin() + 2, v.end());
    return der;
}

}  // namespace cipolicy::policy
