// A signed policy from elsewhere: the CMS reader and the whole of `verify`, which must turn every
// problem into a finding and never throw.
#include "cms/signed_policy_reader.hpp"
#include "fuzz_support.hpp"
#include "verify/verifier.hpp"

using namespace cipolicy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView input(data, size);
    fuzz::expect_error_or_success([&] { cms::read_signed_policy(input, "fuzz.p7b"); });
    const verify::VerifyReport report =
        verify::verify_signed_policy(input, "fuzz.p7b", verify::VerifyOptions{});
    (void)report;
    return 0;
}
