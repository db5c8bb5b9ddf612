#include "policy/id_table.hpp"

#include <cstring>
#include <random>

namespace cipolicy::policy {

namespace {

std::uint64_t process_key() {
    std::random_device device;  // the system's random source (getrandom, rand_s)
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

// A 64-bit finalizer (splitmix64's): every input bit moves every output bit.
std::uint64_t mix(std::uint64_t h) {
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9u;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebu;
    return h ^ (h >> 31);
}

}  // namespace

std::size_t id_hash(std::string_view id) {
    static const std::uint64_t key = process_key();
    constexpr std::uint64_t kOdd = 0x9e3779b97f4a7c15u;
    std::uint64_t h = key ^ id.size();
    std::size_t at = 0;
    for (; at + 8 <= id.size(); at += 8) {
        std::uint64_t word;
        std::memcpy(&word, id.data() + at, 8);
        h = (h ^ word) * kOdd;
        h ^= h >> 32;
    }
    std::uint64_t tail = 0;
    for (std::size_t shift = 0; at < id.size(); ++at, shift += 8)
        tail |= static_cast<std::uint64_t>(static_cast<unsigned char>(id[at])) << shift;
    return static_cast<std::size_t>(mix(h ^ tail));
}

}  // namespace cipolicy::policy
