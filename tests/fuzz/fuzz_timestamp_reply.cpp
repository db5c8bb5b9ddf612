// A timestamp server's reply: the TimeStampResp, then the token inside (or the input itself as a
// token, as `verify` reads an embedded one).
#include "fuzz_support.hpp"
#include "timestamp/token.hpp"

using namespace cipolicy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView input(data, size);
    static const std::uint8_t signature[] = {1, 2, 3, 4};
    timestamp::TokenExpectations expect{ByteView(signature), nullptr, std::nullopt, {}};
    fuzz::expect_error_or_success([&] {
        const Bytes token = timestamp::token_from_reply(input, "http://tsa.test");
        fuzz::expect_error_or_success(
            [&] { timestamp::check_token(token, expect, "http://tsa.test"); });
    });
    fuzz::expect_error_or_success([&] { timestamp::check_token(input, expect, "token"); });
    return 0;
}
