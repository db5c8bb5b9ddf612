#pragma once
// Reads a signed policy container into views of its parts. Strict about structure (DER, nesting,
// nothing trailing); lenient about values, which verify judges one by one.

#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"

namespace cipolicy::cms {

struct AlgorithmIdentifier {
    std::string oid;
    enum class Params { absent, null, other } params = Params::absent;
};

struct Attribute {
    std::string oid;
    std::vector<ByteView> values;  // each value's full DER
    ByteView raw;                  // the whole Attribute SEQUENCE
};

struct SignerInfoView {
    long version = 0;
    bool has_issuer_and_serial = false;  // false: identified by subjectKeyIdentifier
    ByteView issuer_name;                // DER Name
    ByteView serial;                     // DER INTEGER
    AlgorithmIdentifier digest_algorithm;
    std::optional<ByteView> signed_attributes_raw;  // the [0] IMPLICIT SET, as stored
    std::vector<Attribute> signed_attributes;
    AlgorithmIdentifier signature_algorithm;
    ByteView signature;
    std::vector<Attribute> unsigned_attributes;
};

// Views into the buffer passed to read_signed_policy: keep that buffer alive.
struct SignedPolicyView {
    long version = 0;
    std::vector<AlgorithmIdentifier> digest_algorithms;
    std::string content_type;
    std::optional<ByteView> content;  // absent for detached signatures
    std::vector<ByteView> certificates;
    bool has_crls = false;
    std::vector<SignerInfoView> signers;
};

// Throws Error(input) naming `source`, the offset and the expectation when the structure is wrong.
SignedPolicyView read_signed_policy(ByteView data, const std::string& source);

// True when `data` starts like a PKCS#7/CMS ContentInfo of type signedData.
bool looks_like_signed_data(ByteView data);

// The type OID of one DER Attribute (as SignedPolicyParts holds them). Throws Error(input).
std::string attribute_oid(ByteView attribute);

// DER of the signed attributes as they are signed: the [0] IMPLICIT SET re-tagged as SET.
Bytes signed_attributes_for_signature(ByteView stored_attributes);

}  // namespace cipolicy::cms
