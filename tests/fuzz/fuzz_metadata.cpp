// metadata.json (Trusted Signing account, profile and endpoint).
#include "fuzz_support.hpp"
#include "trusted_signing/metadata.hpp"

using namespace cipolicy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::expect_error_or_success(
        [&] { trusted_signing::parse_metadata(fuzz::as_text(data, size), "metadata.json"); });
    return 0;
}
