// The DER walker refuses what is not DER and names where.
#include <catch2/catch.hpp>

#include "asn1/der.hpp"
#include "cms/signed_policy_reader.hpp"
#include "core/error.hpp"

using namespace cipolicy;

TEST_CASE("encoding helpers produce canonical DER", "[der]") {
    CHECK(to_hex(asn1::null()) == "0500");
    CHECK(to_hex(asn1::small_integer(1)) == "020101");
    CHECK(to_hex(asn1::oid("1.3.6.1.4.1.311.79.1")) == "06092B0601040182374F01");
    // SET OF sorts its elements by their encodings.
    Bytes set = asn1::set_of({asn1::small_integer(2), asn1::small_integer(1)});
    CHECK(to_hex(set) == "3106020101020102");
    // Long-form lengths.
    Bytes big(300, 0xAB);
    Bytes octets = asn1::octet_string(big);
    CHECK(to_hex(ByteView(octets).first(4)) == "0482012C");
}

TEST_CASE("the reader walks nested elements and reports offsets", "[der]") {
    Bytes seq = asn1::sequence({asn1::small_integer(5), asn1::oid("1.2.3")});
    asn1::Reader r(seq, "test");
    auto e = r.expect(asn1::Class::universal, asn1::kSequence, true, "SEQUENCE");
    asn1::Reader in = r.enter(e);
    auto i = in.expect(asn1::Class::universal, asn1::kInteger, false, "INTEGER");
    CHECK(i.offset == 2);
    auto o = in.expect(asn1::Class::universal, asn1::kOid, false, "OID");
    CHECK(asn1::oid_text(o.value) == "1.2.3");
    CHECK(in.at_end());
    CHECK(r.at_end());
}

TEST_CASE("malformed DER is refused with its offset", "[der]") {
    Bytes truncated = asn1::sequence({asn1::small_integer(5)});
    truncated.pop_back();
    asn1::Reader r(truncated, "sample.cip");
    CHECK_THROWS_WITH(r.next("ContentInfo"),
                      Catch::Contains("sample.cip: offset 0x0") && Catch::Contains("ContentInfo"));

    Bytes indefinite{0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00};
    asn1::Reader r2(indefinite, "x");
    CHECK_THROWS_WITH(r2.next("SEQUENCE"), Catch::Contains("indefinite length"));

    Bytes wrong = asn1::small_integer(1);
    asn1::Reader r3(wrong, "x");
    CHECK_THROWS_WITH(r3.expect(asn1::Class::universal, asn1::kSequence, true, "SignedData"),
                      Catch::Contains("expected SignedData"));
}

TEST_CASE("read_signed_policy refuses non-signedData and trailing bytes", "[der][cms]") {
    Bytes data_ci = asn1::sequence({asn1::oid("1.2.840.113549.1.7.1")});
    CHECK_THROWS_WITH(cms::read_signed_policy(data_ci, "f"),
                      Catch::Contains("expected signedData"));
    Bytes trailing = asn1::sequence({asn1::oid("1.2.840.113549.1.7.2")});
    trailing.push_back(0);
    CHECK_THROWS_WITH(cms::read_signed_policy(trailing, "f"), Catch::Contains("trailing"));
    CHECK_FALSE(cms::looks_like_signed_data(Bytes{0x07, 0, 0, 0}));
    CHECK(cms::looks_like_signed_data(asn1::sequence({asn1::oid("1.2.840.113549.1.7.2")})));
}
