#pragma once
// Just enough DER for the signed-policy layout and the certificate fields crypto/ reads, below
// both cms/ and crypto/. Headers are decoded and encoded by OpenSSL (ASN1_get_object /
// ASN1_put_object); this file only walks and assembles them, strictly.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"

namespace cipolicy::asn1 {

// Universal tags used here, and context-specific [0]/[1].
enum Tag : int {
    kInteger = 2,
    kOctetString = 4,
    kNull = 5,
    kOid = 6,
    kSequence = 16,
    kSet = 17,
};

enum class Class { universal, context };

// One TLV inside a buffer. `raw` is the whole encoding, `value` the contents; `offset` is the
// position of the tag byte in the outermost buffer, for error messages.
struct Element {
    Class cls;
    int tag;
    bool constructed;
    ByteView raw;
    ByteView value;
    std::size_t offset;
};

// Iterates the TLVs inside `data`, refusing indefinite lengths and lengths past the end.
// Errors are Error(ExitCode::input) naming `context`, the offset and what was expected.
class Reader {
  public:
    Reader(ByteView data, std::string context, std::size_t base_offset = 0);

    bool at_end() const { return pos_ == data_.size(); }
    // The next element, whatever it is.
    Element next(std::string_view what);
    // The next element, which must have this class, tag and form.
    Element expect(Class cls, int tag, bool constructed, std::string_view what);
    // A reader over the contents of a constructed element.
    Reader enter(const Element& e) const;
    // Fails unless every byte has been consumed.
    void expect_end(std::string_view what) const;
    bool peek_is(Class cls, int tag) const;

    [[noreturn]] void fail(std::size_t offset, std::string_view message) const;

  private:
    ByteView data_;
    std::string context_;
    std::size_t base_;
    std::size_t pos_ = 0;
};

// Encoding. Each returns a complete TLV.
Bytes tlv(Class cls, int tag, bool constructed, ByteView value);
Bytes sequence(std::initializer_list<ByteView> parts);
// DER SET OF: the element encodings sorted as octet strings.
Bytes set_of(std::vector<Bytes> elements);
Bytes oid(std::string_view dotted);
Bytes null();
Bytes octet_string(ByteView value);
Bytes small_integer(int value);
Bytes concat(std::initializer_list<ByteView> parts);

// DER of any object OpenSSL can encode: to_der(x509, i2d_X509). Empty when encoding fails.
template <typename T, typename F>
Bytes to_der(const T* obj, F i2d) {
    int len = i2d(obj, nullptr);
    if (len <= 0) return {};
    Bytes out(static_cast<std::size_t>(len), 0);
    unsigned char* p = out.data();
    i2d(obj, &p);
    return out;
}

// Decodes an OBJECT IDENTIFIER's contents (no tag) to dotted text.
std::string oid_text(ByteView contents);

}  // namespace cipolicy::asn1
