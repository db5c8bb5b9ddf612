#pragma once
// What the parallel runs of one build share so that the build, not each run, asks the service:
// the access token and the signing account's root certificate. One owner-only file per entry in a
// folder of the build tree (--build-cache), read and filled under a lock between processes, so
// the first run fetches and the others wait for its answer. An entry stores its expiry and is
// not used within `margin` of it; a damaged or foreign entry is passed over, never trusted.

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

namespace cipolicy::credentials {

struct CacheEntry {
    std::string value;  // a token or DER bytes; never printed
    std::chrono::system_clock::time_point expires_on;
};

class BuildCache {
  public:
    // `notice` hears, in one line without the value, why an entry was passed over (--verbose).
    explicit BuildCache(std::filesystem::path dir,
                        std::function<void(const std::string&)> notice = {})
        : dir_(std::move(dir)), notice_(std::move(notice)) {}

    // The fresh entry for `key` (kind "token" or "rootcert"; key says exactly what it is for),
    // else fetch()'s answer, stored for the others. fetch() throws as it likes; nothing is stored
    // then. Without a usable folder this is fetch().
    CacheEntry get(const std::string& kind, const std::string& key,
                   std::chrono::system_clock::duration margin,
                   const std::function<CacheEntry()>& fetch) const;

    // Removes `key`'s entry if it still holds `value` (a token the service refused), under the
    // entry's lock: an entry another run has meanwhile replaced with a newer value is left alone.
    // True when it was removed. Says so through `notice`, without the value.
    bool forget(const std::string& kind, const std::string& key, const std::string& value) const;

    // The file that holds `key`'s entry (tests look at its mode).
    std::filesystem::path entry_path(const std::string& kind, const std::string& key) const;

  private:
    void say(const std::string& line) const;

    std::filesystem::path dir_;
    std::function<void(const std::string&)> notice_;
};

}  // namespace cipolicy::credentials
