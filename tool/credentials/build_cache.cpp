#include "credentials/build_cache.hpp"

#include <nlohmann/json.hpp>
#include <optional>

#include "core/bytes.hpp"
#include "core/quote.hpp"
#include "crypto/digest.hpp"
#include "http/encoding.hpp"
#include "platform/file_lock.hpp"
#include "platform/owner_only_file.hpp"

namespace cipolicy::credentials {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kFormat = "cipolicy-build-cache/1";
// An entry is a token or a certificate in base64 with a few fields around it.
constexpr std::size_t kMaxEntry = 64 * 1024;
// How long a run waits for another that holds the entry's lock (one token or certificate
// request, retries included) before it fetches on its own.
constexpr std::chrono::seconds kLockWait{120};
// Tokens live an hour or a few, root certificates are kept an hour here.
constexpr std::chrono::seconds kLongest{24 * 3600};

std::string digest_hex(const std::string& text) {
    Bytes h =
        crypto::hash(crypto::DigestAlgorithm::sha256,
                     ByteView(reinterpret_cast<const unsigned char*>(text.data()), text.size()));
    return to_hex(h);
}

long long seconds_since_epoch(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// What an entry's file holds: nothing, a file this user does not own alone, something that is
// not this tool's entry for this key, or an entry.
struct StoredEntry {
    enum class State { absent, not_private, damaged, usable } state = State::absent;
    CacheEntry entry;
};

StoredEntry read_entry(const fs::path& path, const std::string& key_digest) {
    auto text = platform::read_owner_only_file(path, kMaxEntry);
    if (!text)
        return {fs::exists(fs::symlink_status(path)) ? StoredEntry::State::not_private
                                                     : StoredEntry::State::absent,
                {}};
    json j = json::parse(*text, nullptr, false);
    std::optional<Bytes> value;
    auto text_of = [&](const char* name) {
        return j.contains(name) && j[name].is_string() ? j[name].get<std::string>() : std::string();
    };
    if (j.is_object() && text_of("format") == kFormat && text_of("key") == key_digest &&
        j.contains("expires_on") && j["expires_on"].is_number_integer() && j.contains("value") &&
        j["value"].is_string())
        value = http::base64_decode(j["value"].get<std::string>());
    const long long now = seconds_since_epoch(std::chrono::system_clock::now());
    // Nothing this tool stores lives longer than a day: a later expiry is not ours.
    const long long expires_on = value ? j["expires_on"].get<long long>() : 0;
    if (!value || value->empty() || expires_on < 0 || expires_on > now + kLongest.count())
        return {StoredEntry::State::damaged, {}};
    return {StoredEntry::State::usable,
            {std::string(value->begin(), value->end()),
             std::chrono::system_clock::time_point(std::chrono::seconds(expires_on))}};
}

}  // namespace

fs::path BuildCache::entry_path(const std::string& kind, const std::string& key) const {
    // The name holds a digest of the key only: what a token is for stays out of directory lists.
    return dir_ / (kind + "-" + digest_hex(kind + "\n" + key).substr(0, 32) + ".json");
}

void BuildCache::say(const std::string& line) const {
    if (notice_) notice_("build cache " + quote(dir_.string()) + ": " + line);
}

CacheEntry BuildCache::get(const std::string& kind, const std::string& key,
                           std::chrono::system_clock::duration margin,
                           const std::function<CacheEntry()>& fetch) const {
    if (!platform::prepare_owner_only_dir(dir_)) {
        say("not used: it cannot be created, or it belongs to another user or others may write it");
        return fetch();
    }
    const fs::path path = entry_path(kind, key);
    const std::string key_digest = digest_hex(kind + "\n" + key);
    auto lock = platform::FileLock::acquire(fs::path(path).concat(".lock"),
                                            std::chrono::steady_clock::now() + kLockWait);
    if (!lock) {
        say("not used: its " + kind + " entry could not be locked");
        return fetch();
    }
    StoredEntry stored = read_entry(path, key_digest);
    switch (stored.state) {
        case StoredEntry::State::absent:
            break;
        case StoredEntry::State::not_private:
            say("its " + kind + " entry is not a private file of this user; fetching anew");
            break;
        case StoredEntry::State::damaged:
            say("its " + kind + " entry is damaged or not this tool's; fetching anew");
            break;
        case StoredEntry::State::usable:
            if (stored.entry.expires_on - margin > std::chrono::system_clock::now())
                return std::move(stored.entry);
            say("its " + kind + " entry expires soon or has expired; fetching anew");
            break;
    }
    CacheEntry fresh = fetch();
    json j{{"format", kFormat},
           {"key", key_digest},
           {"expires_on", seconds_since_epoch(fresh.expires_on)},
           {"value",
            http::base64_encode(ByteView(reinterpret_cast<const unsigned char*>(fresh.value.data()),
                                         fresh.value.size()))}};
    if (!platform::write_owner_only_file(path, j.dump()))
        say("its " + kind + " entry could not be written");
    return fresh;
}

bool BuildCache::forget(const std::string& kind, const std::string& key,
                        const std::string& value) const {
    if (!platform::prepare_owner_only_dir(dir_)) return false;
    const fs::path path = entry_path(kind, key);
    // The same lock as get(): a run that is storing a fresh entry finishes before this one looks.
    auto lock = platform::FileLock::acquire(fs::path(path).concat(".lock"),
                                            std::chrono::steady_clock::now() + kLockWait);
    if (!lock) return false;
    StoredEntry stored = read_entry(path, digest_hex(kind + "\n" + key));
    if (stored.state != StoredEntry::State::usable || stored.entry.value != value) return false;
    if (!platform::remove_owner_only_file(path)) return false;
    say("its " + kind + " entry was refused by the service; removed");
    return true;
}

}  // namespace cipolicy::credentials
