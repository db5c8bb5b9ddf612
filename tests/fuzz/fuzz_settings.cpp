// cipolicy.yaml.
#include "config/settings.hpp"
#include "fuzz_support.hpp"

using namespace cipolicy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::expect_error_or_success(
        [&] { config::parse_settings(fuzz::as_text(data, size), "cipolicy.yaml"); });
    return 0;
}
