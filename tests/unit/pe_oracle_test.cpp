// The PE reader against real drivers Microsoft's vulnerable driver blocklist names: the four
// hashes it computes for each driver, and the issuing CA's TBS hash, must be exactly the values
// Microsoft's tools wrote into SiPolicy_Enforced.xml. Nothing expected is written here: each
// computed value is looked up in the blocklist.
#include <catch2/catch.hpp>
#include <pugixml.hpp>

#include <algorithm>
#include <map>

#include "pe/pe_file.hpp"
#include "test_support.hpp"

using namespace cipolicy;

namespace {

const char* kDrivers[] = {"13e50b30d2a5749df7b47c6c2a898bce3c589318.sys",
                          "fb847a47e8fa5889d34d522d41dd3d34ce7f8e63.sys",
                          "e95b936903588e052a0260fd17b06cab0047c674.sys"};

struct Blocklist {
    pugi::xml_document doc;
    std::map<std::string, std::string> hash_names;    // Hash value -> FriendlyName
    std::map<std::string, std::string> signer_roots;  // CertRoot TBS -> Signer Name
};

const Blocklist& blocklist() {
    static Blocklist b = [] {
        Blocklist out;
        auto path = test::oracle("oracles/compile/SiPolicy_Enforced.xml");
        REQUIRE(out.doc.load_file(path.c_str()));
        for (auto rule : out.doc.select_nodes("//*[@Hash]"))
            out.hash_names[rule.node().attribute("Hash").value()] =
                rule.node().attribute("FriendlyName").value();
        for (auto s : out.doc.select_nodes("//*[local-name()='Signer']"))
            out.signer_roots[s.node().child("CertRoot").attribute("Value").value()] =
                s.node().attribute("Name").value();
        return out;
    }();
    return b;
}

std::string name_of(const std::string& hash) {
    auto it = blocklist().hash_names.find(hash);
    return it == blocklist().hash_names.end() ? std::string("(not in the blocklist)") : it->second;
}

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

TEST_CASE("the blocklisted drivers' Authenticode and page hashes are the blocklist's",
          "[oracle][pe]") {
    for (const char* name : kDrivers) {
        INFO(name);
        const pe::PeFile f = pe::read_pe_file(test::oracle(std::string("oracles/pe/") + name));
        const std::string sha1 = name_of(to_hex(f.authenticode_sha1));
        const std::string sha256 = name_of(to_hex(f.authenticode_sha256));
        const std::string page1 = name_of(to_hex(f.page_sha1));
        const std::string page256 = name_of(to_hex(f.page_sha256));
        CHECK(ends_with(sha1, " Hash Sha1"));
        CHECK(ends_with(sha256, " Hash Sha256"));
        CHECK(ends_with(page1, " Hash Page Sha1"));
        CHECK(ends_with(page256, " Hash Page Sha256"));
        // All four rules name the same file.
        const std::string file = sha1.substr(0, sha1.size() - std::string(" Hash Sha1").size());
        CHECK(sha256 == file + " Hash Sha256");
        CHECK(page1 == file + " Hash Page Sha1");
        CHECK(page256 == file + " Hash Page Sha256");
        CHECK(f.mode == pe::Mode::kernel);
        CHECK(pe::scenario_of(f.mode) == 131);
    }
}

TEST_CASE("the blocklisted drivers' issuing CA TBS hashes are the blocklist's signers",
          "[oracle][pe]") {
    for (const char* name : kDrivers) {
        INFO(name);
        const pe::PeFile f = pe::read_pe_file(test::oracle(std::string("oracles/pe/") + name));
        REQUIRE(!f.signatures.empty());
        const pe::Signature& s = f.signatures.front();
        INFO(s.problem);
        CHECK(s.problem.empty());
        CHECK(s.digest_matches);
        CHECK(s.signature_valid);
        REQUIRE(s.chain.size() >= 2);
        const pe::ChainCertificate& ca = s.chain[1];
        CHECK(ca.tbs_hash_algorithm == "sha1");
        auto it = blocklist().signer_roots.find(to_hex(ca.tbs_hash));
        REQUIRE(it != blocklist().signer_roots.end());
        // The blocklist's signer is named for the CA whose TBS it holds.
        CHECK(it->second == ca.common_name);
        CHECK(s.chain[0].key_algorithm == pe::KeyAlgorithm::rsa);
        // The leaf's issuer is that CA.
        CHECK(s.chain[0].issuer_common_name == ca.common_name);
    }
}

TEST_CASE("a byte changed in a driver changes the Authenticode hash and breaks the signature",
          "[oracle][pe]") {
    Bytes image = test::read_bytes(test::oracle(std::string("oracles/pe/") + kDrivers[0]));
    const pe::PeFile good = pe::read_pe(image, "good");
    image[image.size() / 4] ^= 1;  // inside the code, far from the ignored fields
    const pe::PeFile bad = pe::read_pe(image, "bad");
    CHECK(bad.authenticode_sha256 != good.authenticode_sha256);
    CHECK(bad.page_sha256 == good.page_sha256);  // the first page is unchanged
    REQUIRE(!bad.signatures.empty());
    CHECK_FALSE(bad.signatures.front().digest_matches);
}

TEST_CASE("a driver whose certificates' keys cannot be decoded is read, not crashed on",
          "[oracle][pe]") {
    // Every rsaEncryption OID in the file becomes 1.2.840.113549.1.1.127, an algorithm OpenSSL
    // does not know: the certificates still parse, but none has a public key. (The fuzzer found
    // the reader dereferencing that missing key.)
    Bytes image = test::read_bytes(test::oracle(std::string("oracles/pe/") + kDrivers[0]));
    const Bytes rsa_oid = {0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01};
    int changed = 0;
    for (auto at = image.begin();
         (at = std::search(at, image.end(), rsa_oid.begin(), rsa_oid.end())) != image.end();
         ++at, ++changed)
        at[rsa_oid.size() - 1] = 0x7F;
    REQUIRE(changed >= 2);  // at least the leaf's and its CA's
    const pe::PeFile f = pe::read_pe(image, "unknown-keys.sys");
    REQUIRE(!f.signatures.empty());
    const pe::Signature& s = f.signatures.front();
    // The leaf is described; its CA is not found as its issuer, since OpenSSL matches an issuer's
    // key type to the signature algorithm.
    REQUIRE(!s.chain.empty());
    for (const pe::ChainCertificate& c : s.chain) CHECK(c.key_algorithm == pe::KeyAlgorithm::other);
    CHECK(!s.chain.front().common_name.empty());
    CHECK(s.digest_matches);  // the image itself is unchanged
    CHECK_FALSE(s.signature_valid);
}
