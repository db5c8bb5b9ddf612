#include "credentials/token_cache.hpp"

#include <fstream>

#include "credentials/build_cache.hpp"
#include "credentials/entra_token.hpp"

namespace cipolicy::credentials {

namespace {

// The token provider refreshes a token five minutes before it expires; a cached token is passed
// over earlier than that, so that it is never handed out only to be refreshed at once.
constexpr std::chrono::minutes kMargin{10};

// The Azure CLI's profile names the signed-in account: `az login` as someone else changes it,
// and with it the key. Read with a size bound; absent is part of the key too.
std::string azure_cli_profile() {
    std::filesystem::path dir;
    if (auto d = env("AZURE_CONFIG_DIR"))
        dir = *d;
    else if (auto home = env("HOME"))
        dir = std::filesystem::path(*home) / ".azure";
    else if (auto profile = env("USERPROFILE"))
        dir = std::filesystem::path(*profile) / ".azure";
    if (dir.empty()) return "(no profile folder)";
    std::string text = dir.string() + "\n";
    std::ifstream in(dir / "azureProfile.json", std::ios::binary);
    if (!in) return text + "(none)";
    std::string content(1 << 20, '\0');
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<std::size_t>(in.gcount()));
    return text + content;
}

class BuildCachedCredential : public TokenCredential {
  public:
    BuildCachedCredential(std::unique_ptr<TokenCredential> inner, BuildCache cache, std::string key)
        : inner_(std::move(inner)), cache_(std::move(cache)), key_(std::move(key)) {}
    std::string name() const override { return inner_->name(); }
    AccessToken get_token() override {
        bool fetched = false;
        CacheEntry e = cache_.get("token", key_, kMargin, [this, &fetched] {
            AccessToken t = inner_->get_token();
            fetched = true;
            return CacheEntry{t.value.reveal(), t.expires_on};
        });
        return {crypto::Secret(std::move(e.value)), e.expires_on,
                fetched ? TokenOrigin::this_run : TokenOrigin::build_cache};
    }
    // Every later run of the build would send the refused token until it expires (up to an
    // hour): drop it, unless another run has already stored a newer one.
    void token_refused(const AccessToken& token) override {
        cache_.forget("token", key_, token.value.reveal());
    }

  private:
    std::unique_ptr<TokenCredential> inner_;
    BuildCache cache_;
    std::string key_;
};

}  // namespace

std::string token_cache_key(const CredentialOptions& options) {
    std::string key = "type=" + options.type + "\naudience=" + options.audience +
                      "\nauthority=" + authority_host();
    for (const char* name :
         {"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_CERTIFICATE_PATH",
          "AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_ENDPOINT", "CIPOLICY_IMDS_ENDPOINT"})
        key += std::string("\n") + name + "=" + env(name).value_or("");
    // Which of the ways the chain could answer are there (never the secret itself).
    key += std::string("\nsecret=") + (env("AZURE_CLIENT_SECRET") ? "set" : "unset");
    key += "\nexclude=";
    for (const auto& e : options.exclude) key += e + ",";
    key += "\ncli=" + azure_cli_profile();
    return key;
}

std::unique_ptr<TokenCredential> with_build_cache(std::unique_ptr<TokenCredential> inner,
                                                  const CredentialOptions& options) {
    if (!options.cache_dir) return inner;
    // A handed-over token costs no request; caching it would only copy it.
    if (inner->name() == "AccessTokenCredential" || options.access_token_file ||
        env("CIPOLICY_ACCESS_TOKEN"))
        return inner;
    return std::make_unique<BuildCachedCredential>(
        std::move(inner), BuildCache(*options.cache_dir, options.cache_notice),
        token_cache_key(options));
}

}  // namespace cipolicy::credentials
