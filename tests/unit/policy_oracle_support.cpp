#include "policy_oracle_support.hpp"

#include <openssl/cms.h>

#include <memory>
#include <stdexcept>

#include "test_support.hpp"

namespace cipolicy::test {

Bytes signed_oracle_content(const std::string& relative) {
    const Bytes der = read_bytes(oracle("oracles/" + relative));
    const unsigned char* p = der.data();
    std::unique_ptr<CMS_ContentInfo, decltype(&CMS_ContentInfo_free)> cms(
        d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())), &CMS_ContentInfo_free);
    if (!cms) throw std::runtime_error(relative + ": not a CMS ContentInfo");
    ASN1_OCTET_STRING** content = CMS_get0_content(cms.get());
    if (!content || !*content) throw std::runtime_error(relative + ": no embedded content");
    const unsigned char* data = ASN1_STRING_get0_data(*content);
    return Bytes(data, data + ASN1_STRING_length(*content));
}

std::vector<OraclePolicy> oracle_policies() {
    std::vector<OraclePolicy> out;
    for (const char* name :
         {"compile/SiPolicy_Enforced.bin", "compile/SiPolicy_Audit.bin", "compile/WOA_SiPolicy.bin",
          "samples/Krueger_SiPolicy.bin", "samples/WDACToolkit_test.bin",
          "samples/HBKmon_AllowAll_unsigned.bin"})
        out.push_back({name, read_bytes(oracle(std::string("oracles/") + name))});
    for (const char* name :
         {"signed/WOA_Andromeda_SiPolicy.p7b", "signed/HBKmon_driversipolicy.p7b"})
        out.push_back({name, signed_oracle_content(name)});
    return out;
}

}  // namespace cipolicy::test
