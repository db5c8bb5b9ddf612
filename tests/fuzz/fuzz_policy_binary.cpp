// The policy binary reader, the writer on what it read, and the decompiler with its round-trip
// check (what `inspect` and `decompile` do with a binary from elsewhere).
#include "fuzz_support.hpp"
#include "policy/binary_reader.hpp"
#include "policy/binary_writer.hpp"
#include "policy/round_trip.hpp"
#include "policy/xml_writer.hpp"

using namespace cipolicy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::expect_error_or_success([&] {
        const policy::Policy p = policy::read_policy_binary(ByteView(data, size));
        fuzz::expect_error_or_success([&] {
            const Bytes again = policy::write_policy_binary(p);
            // What the writer writes, the reader must read.
            try {
                policy::read_policy_binary(again);
            } catch (const Error& e) {
                std::fprintf(stderr, "written binary does not read back: %s\n", e.what());
                std::abort();
            }
        });
        fuzz::expect_error_or_success([&] {
            const policy::PolicyXml xml = policy::write_policy_xml(p);
            policy::check_round_trip(xml, ByteView(data, size), p.format_version);
        });
    });
    return 0;
}
