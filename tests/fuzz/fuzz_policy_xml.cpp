// The XML compiler: well-formedness, the schema checks and the binary writer.
#include "fuzz_support.hpp"
#include "policy/compiler.hpp"
#include "policy/xml_source.hpp"

using namespace cipolicy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::expect_error_or_success([&] {
        const policy::XmlSource source("fuzz.xml", fuzz::as_text(data, size));
        policy::compile_policy_xml(source);
    });
    return 0;
}
