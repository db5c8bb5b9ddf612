#include "asn1/der.hpp"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include <algorithm>
#include <cstdio>

#include "core/error.hpp"
#include "core/handle.hpp"

namespace cipolicy::asn1 {

namespace {
using Asn1ObjectPtr = Handle<ASN1_OBJECT, ASN1_OBJECT_free>;
}

static std::string hex_offset(std::size_t offset) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%zX", offset);
    return buf;
}

Reader::Reader(ByteView data, std::string context, std::size_t base_offset)
    : data_(data), context_(std::move(context)), base_(base_offset) {}

void Reader::fail(std::size_t offset, std::string_view message) const {
    throw Error(ExitCode::input,
                context_ + ": offset " + hex_offset(offset) + ": " + std::string(message));
}

Element Reader::next(std::string_view what) {
    std::size_t start = base_ + pos_;
    if (at_end()) fail(start, "expected " + std::string(what) + ", found the end of the data");
    const unsigned char* p = data_.data() + pos_;
    long length = 0;
    int tag = 0, xclass = 0;
    long remaining = static_cast<long>(data_.size() - pos_);
    int ret = ASN1_get_object(&p, &length, &tag, &xclass, remaining);
    if (ret & 0x80) {
        ERR_clear_error();
        fail(start, "malformed DER header for " + std::string(what));
    }
    if (ret & 0x01) fail(start, std::string(what) + " uses an indefinite length (not DER)");
    std::size_t header = static_cast<std::size_t>(p - (data_.data() + pos_));
    std::size_t total = header + static_cast<std::size_t>(length);
    if (length < 0 || total > data_.size() - pos_)
        fail(start, std::string(what) + " runs past the end of its container");
    Element e;
    if (xclass == V_ASN1_UNIVERSAL)
        e.cls = Class::universal;
    else if (xclass == V_ASN1_CONTEXT_SPECIFIC)
        e.cls = Class::context;
    else
        fail(start, std::string(what) + ": unexpected tag class");
    e.tag = tag;
    e.constructed = (ret & V_ASN1_CONSTRUCTED) != 0;
    e.raw = data_.subspan(pos_, total);
    e.value = data_.subspan(pos_ + header, static_cast<std::size_t>(length));
    e.offset = start;
    pos_ += total;
    return e;
}

Element Reader::expect(Class cls, int tag, bool constructed, std::string_view what) {
    std::size_t start = base_ + pos_;
    Element e = next(what);
    if (e.cls != cls || e.tag != tag || e.constructed != constructed)
        fail(start, "expected " + std::string(what));
    return e;
}

bool Reader::peek_is(Class cls, int tag) const {
    if (at_end()) return false;
    Reader copy = *this;
    try {
        Element e = copy.next("element");
        return e.cls == cls && e.tag == tag;
    } catch (const Error&) {
        return false;
    }
}

Reader Reader::enter(const Element& e) const {
    std::size_t header = e.raw.size() - e.value.size();
    return Reader(e.value, context_, e.offset + header);
}

void Reader::expect_end(std::string_view what) const {
    if (!at_end()) fail(base_ + pos_, "unexpected data after " + std::string(what));
}

Bytes tlv(Class cls, int tag, bool constructed, ByteView value) {
    int xclass = cls == Class::universal ? V_ASN1_UNIVERSAL : V_ASN1_CONTEXT_SPECIFIC;
    int length = static_cast<int>(value.size());
    int size = ASN1_object_size(constructed ? 1 : 0, length, tag);
    Bytes out(static_cast<std::size_t>(size));
    unsigned char* p = out.data();
    ASN1_put_object(&p, constructed ? 1 : 0, length, tag, xclass);
    std::copy(value.begin(), value.end(), p);
    return out;
}

Bytes concat(std::initializer_list<ByteView> parts) {
    Bytes out;
    for (auto part : parts) out.insert(out.end(), part.begin(), part.end());
    return out;
}

Bytes sequence(std::initializer_list<ByteView> parts) {
    return tlv(Class::universal, kSequence, true, concat(parts));
}

Bytes set_of(std::vector<Bytes> elements) {
    std::sort(elements.begin(), elements.end());
    Bytes body;
    for (const auto& e : elements) body.insert(body.end(), e.begin(), e.end());
    return tlv(Class::universal, kSet, true, body);
}

Bytes oid(std::string_view dotted) {
    Asn1ObjectPtr obj(OBJ_txt2obj(std::string(dotted).c_str(), 1));
    if (!obj) throw Error(ExitCode::internal, "bad object identifier " + std::string(dotted));
    return to_der(obj.get(), i2d_ASN1_OBJECT);
}

Bytes null() {
    return tlv(Class::universal, kNull, false, {});
}

Bytes octet_string(ByteView value) {
    return tlv(Class::universal, kOctetString, false, value);
}

Bytes small_integer(int value) {
    Handle<ASN1_INTEGER, ASN1_INTEGER_free> i(ASN1_INTEGER_new());
    ASN1_INTEGER_set(i.get(), value);
    return to_der(i.get(), i2d_ASN1_INTEGER);
}

std::string oid_text(ByteView contents) {
    Bytes encoded = tlv(Class::universal, kOid, false, contents);
    const unsigned char* p = encoded.data();
    Asn1ObjectPtr obj(d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(encoded.size())));
    if (!obj) return "(invalid OID)";
    char buf[256];
    OBJ_obj2txt(buf, sizeof buf, obj.get(), 1);
    return buf;
}

}  // namespace cipolicy::asn1
