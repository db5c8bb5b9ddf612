#pragma once
// What every fuzz target checks besides "no crash, no sanitizer report": bad input ends in
// cipolicy::Error only (anything else would be exit 70, "internal error"), and its message is
// one line of bounded length, so untrusted text cannot forge or flood a diagnostic.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace cipolicy::fuzz {

inline void check_message(std::string_view message) {
    constexpr std::size_t kMax = 16384;
    bool bad = message.size() > kMax;
    for (unsigned char c : message) bad = bad || c == '\n' || c == '\r' || c == 0x1B || c == 0;
    if (bad) {
        std::fprintf(stderr, "diagnostic not one bounded line (%zu bytes): %.300s\n",
                     message.size(), std::string(message).c_str());
        std::abort();
    }
}

// Runs `body`; an Error is the expected outcome for most inputs, any other exception escapes
// (libFuzzer reports it as a crash).
template <typename Body>
void expect_error_or_success(Body&& body) {
    try {
        body();
    } catch (const Error& e) {
        check_message(e.what());
    }
}

inline std::string as_text(const std::uint8_t* data, std::size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace cipolicy::fuzz
