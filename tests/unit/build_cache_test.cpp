// BuildCache::forget: a token the service refused leaves the build cache, but only while the
// entry still holds that token; a newer one another run stored meanwhile stays.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>

#include "credentials/build_cache.hpp"

using namespace cipolicy;
using credentials::BuildCache;
using credentials::CacheEntry;
namespace fs = std::filesystem;

namespace {

// Not created here: the cache makes its own folder owner-only.
fs::path fresh_dir() {
    return fs::temp_directory_path() /
           ("cipolicy-build-cache-" + std::to_string(std::random_device{}())) / "cache";
}

// Best effort: under Wine the owner-only entries read as read-only and resist remove_all.
void remove_dir(const fs::path& dir) {
    std::error_code ec;
    fs::remove_all(dir.parent_path(), ec);
}

const auto kHour = std::chrono::hours(1);
const auto kMargin = std::chrono::minutes(10);

// What get() answers for `key`, and whether it had to fetch.
std::pair<std::string, bool> get(const BuildCache& cache, const std::string& key,
                                 const std::string& fetched_value) {
    bool fetched = false;
    CacheEntry e = cache.get("token", key, kMargin, [&] {
        fetched = true;
        return CacheEntry{fetched_value, std::chrono::system_clock::now() + kHour};
    });
    return {e.value, fetched};
}

}  // namespace

TEST_CASE("build cache: forget removes the entry that holds the refused value") {
    const fs::path dir = fresh_dir();
    std::vector<std::string> notices;
    BuildCache cache(dir, [&](const std::string& line) { notices.push_back(line); });
    REQUIRE(get(cache, "k", "token-1") == std::pair<std::string, bool>("token-1", true));
    REQUIRE(get(cache, "k", "unused") == std::pair<std::string, bool>("token-1", false));

    CHECK(cache.forget("token", "k", "token-1"));
    CHECK_FALSE(fs::exists(cache.entry_path("token", "k")));
    // One line that says so, without the value.
    REQUIRE(notices.size() == 1);
    CHECK(notices[0].find("refused by the service; removed") != std::string::npos);
    CHECK(notices[0].find("token-1") == std::string::npos);
    // The next run fetches anew.
    CHECK(get(cache, "k", "token-2") == std::pair<std::string, bool>("token-2", true));
    remove_dir(dir);
}

TEST_CASE("build cache: forget leaves a newer entry and other keys alone") {
    const fs::path dir = fresh_dir();
    BuildCache cache(dir);
    get(cache, "k", "token-new");  // another run has already replaced the refused token
    get(cache, "other", "token-old");

    CHECK_FALSE(cache.forget("token", "k", "token-old"));
    CHECK(get(cache, "k", "unused") == std::pair<std::string, bool>("token-new", false));
    // The same value under another key, or as another kind, is another entry.
    CHECK_FALSE(cache.forget("rootcert", "other", "token-old"));
    CHECK(get(cache, "other", "unused") == std::pair<std::string, bool>("token-old", false));
    // Nothing stored: nothing to do.
    CHECK_FALSE(cache.forget("token", "absent", "token-old"));
    remove_dir(dir);
}
