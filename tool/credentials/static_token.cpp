#include "credentials/static_token.hpp"

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/setting_name.hpp"
#include "credentials/entra_token.hpp"

namespace cipolicy::credentials {

namespace {

class AccessTokenCredential : public TokenCredential {
  public:
    explicit AccessTokenCredential(std::optional<std::filesystem::path> file)
        : file_(std::move(file)) {}
    std::string name() const override { return "AccessTokenCredential"; }

    AccessToken get_token() override {
        std::string value;
        if (file_) {
            value = read_text_file(*file_);
            while (!value.empty() &&
                   (value.back() == '\n' || value.back() == '\r' || value.back() == ' '))
                value.pop_back();
            if (value.empty())
                throw Error(ExitCode::credential,
                            file_->string() + ": " +
                                setting_name("trusted-signing.access-token-file") +
                                " is empty; write the token into it (az account "
                                "get-access-token --resource https://codesigning.azure.net)");
        } else if (auto v = env("CIPOLICY_ACCESS_TOKEN")) {
            value = *v;
        } else {
            throw CredentialUnavailable(name() + ": neither CIPOLICY_ACCESS_TOKEN nor " +
                                        setting_name("trusted-signing.access-token-file") +
                                        " is set");
        }
        // Its lifetime is unknown here; the service will answer 401 once it has expired.
        return {crypto::Secret(std::move(value)),
                std::chrono::system_clock::time_point::max() - std::chrono::hours(24)};
    }

  private:
    std::optional<std::filesystem::path> file_;
};

}  // namespace

std::unique_ptr<TokenCredential> access_token_credential(
    std::optional<std::filesystem::path> file) {
    return std::make_unique<AccessTokenCredential>(std::move(file));
}

}  // namespace cipolicy::credentials
