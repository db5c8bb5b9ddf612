#pragma once
// A GUID as policies store it: the 16 bytes of .NET Guid.ToByteArray() (Data1, Data2 and Data3
// little-endian, the last 8 bytes in text order).

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace cipolicy::policy {

class Guid {
  public:
    using Storage = std::array<std::uint8_t, 16>;

    constexpr Guid() = default;  // the nil GUID
    constexpr explicit Guid(const Storage& bytes) : bytes_(bytes) {}

    // `bytes` must hold exactly 16 bytes in ToByteArray order; throws Error(internal) otherwise.
    static Guid from_bytes(ByteView bytes);

    // A random (version 4) GUID, for a new policy's PolicyID. Throws Error(internal) when the
    // system has no randomness to give.
    static Guid random();

    // "{A244370E-44C9-4C06-B551-F6016E563076}", braces optional, hex digits in either case.
    static std::optional<Guid> parse(std::string_view text);

    // Braced and uppercase, the form policy XML and Windows' {PolicyID}.cip file names use.
    std::string to_string() const;

    const Storage& bytes() const { return bytes_; }
    bool is_nil() const { return *this == Guid{}; }

    friend auto operator<=>(const Guid&, const Guid&) = default;

  private:
    Storage bytes_{};
};

}  // namespace cipolicy::policy
