// The signed-policy encoder against Microsoft-made files: rebuilding both signed oracles from
// their parts through the same encoder `sign` uses must give identical bytes.
#include <catch2/catch.hpp>

#include "cms/signed_policy.hpp"
#include "cms/signed_policy_parts.hpp"
#include "cms/signed_policy_reader.hpp"
#include "crypto/certificate.hpp"
#include "test_support.hpp"

using namespace cipolicy;

namespace {

Bytes rebuild(const Bytes& file) {
    cms::SignedPolicyView v = cms::read_signed_policy(file, "oracle");
    return cms::encode_signed_policy(cms::parts_of(v, "oracle"));
}

}  // namespace

TEST_CASE("the signtool-signed WOA policy rebuilds byte for byte", "[oracle][cms]") {
    Bytes file = test::read_bytes(test::oracle("oracles/signed/WOA_Andromeda_SiPolicy.p7b"));
    Bytes rebuilt = rebuild(file);
    CHECK(rebuilt.size() == file.size());
    CHECK(rebuilt == file);
}

TEST_CASE("the Microsoft-signed HBKmon policy rebuilds byte for byte", "[oracle][cms]") {
    Bytes file = test::read_bytes(test::oracle("oracles/signed/HBKmon_driversipolicy.p7b"));
    CHECK(rebuild(file) == file);
}

TEST_CASE("signer identity in the oracle comes verbatim from the signer certificate",
          "[oracle][cms]") {
    Bytes file = test::read_bytes(test::oracle("oracles/signed/WOA_Andromeda_SiPolicy.p7b"));
    cms::SignedPolicyView v = cms::read_signed_policy(file, "oracle");
    crypto::Certificate kek = crypto::Certificate::from_der(
        test::read_bytes(test::oracle("oracles/signed/WOA_OEMA0-KEK.der")), "kek");
    const auto& si = v.signers.front();
    CHECK(kek.issuer_name_der() == Bytes(si.issuer_name.begin(), si.issuer_name.end()));
    CHECK(kek.serial_der() == Bytes(si.serial.begin(), si.serial.end()));
    REQUIRE(v.certificates.size() == 1);
    CHECK(Bytes(v.certificates[0].begin(), v.certificates[0].end()) == kek.der());
    // The policy content inside is the compiled oracle.
    Bytes content = test::read_bytes(test::oracle("oracles/compile/WOA_SiPolicy.bin"));
    CHECK(Bytes(v.content->begin(), v.content->end()) == content);
}

TEST_CASE("signed attributes of the oracle equal the ones we compute", "[oracle][cms]") {
    Bytes file = test::read_bytes(test::oracle("oracles/signed/WOA_Andromeda_SiPolicy.p7b"));
    cms::SignedPolicyView v = cms::read_signed_policy(file, "oracle");
    Bytes ours = cms::signed_attributes(crypto::DigestAlgorithm::sha256, *v.content);
    CHECK(cms::signed_attributes_for_signature(*v.signers.front().signed_attributes_raw) == ours);
}

TEST_CASE("TBS hash of the WOA KEK is the CertRoot its policy names", "[oracle][crypto]") {
    crypto::Certificate kek = crypto::Certificate::from_der(
        test::read_bytes(test::oracle("oracles/signed/WOA_OEMA0-KEK.der")), "kek");
    Bytes policy = test::read_bytes(test::oracle("oracles/compile/WOA_SiPolicy.bin"));
    Bytes tbs = kek.tbs_hash();
    REQUIRE(tbs.size() == 32);
    // The binary stores the TBS as a blob: u32 length then the bytes.
    auto found = std::search(policy.begin(), policy.end(), tbs.begin(), tbs.end());
    CHECK(found != policy.end());
    CHECK(std::distance(policy.begin(), found) >= 4);
    CHECK(*(found - 4) == 32);
}

TEST_CASE("TBS hash of Microsoft Windows Production PCA 2011 matches the documented value",
          "[oracle][crypto]") {
    Bytes file = test::read_bytes(test::oracle("oracles/signed/HBKmon_driversipolicy.p7b"));
    cms::SignedPolicyView v = cms::read_signed_policy(file, "oracle");
    bool seen = false;
    for (auto der : v.certificates) {
        crypto::Certificate c = crypto::Certificate::from_der(der, "cert");
        if (c.common_name() == "Microsoft Windows Production PCA 2011") {
            seen = true;
            CHECK(to_hex(c.tbs_hash()) ==
                  "4E80BE107C860DE896384B3EFF50504DC2D76AC7151DF3102A4450637A032146");
        }
    }
    CHECK(seen);
}
