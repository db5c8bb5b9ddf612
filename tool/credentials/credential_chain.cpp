#include "credentials/credential_chain.hpp"

#include <algorithm>
#include <cctype>

#include "core/error.hpp"
#include "core/setting_name.hpp"
#include "credentials/azure_cli.hpp"
#include "credentials/entra_token.hpp"
#include "credentials/environment_credentials.hpp"
#include "credentials/managed_identity.hpp"
#include "credentials/static_token.hpp"
#include "credentials/token_cache.hpp"

namespace cipolicy::credentials {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Known Azure SDK names that ExcludeCredentials may list; some have no equivalent here and are
// accepted (and have nothing to exclude) so that Microsoft's metadata files keep working.
const std::vector<std::string> kSdkNames{
    "EnvironmentCredential",       "WorkloadIdentityCredential", "ManagedIdentityCredential",
    "AzureCliCredential",          "SharedTokenCacheCredential", "VisualStudioCredential",
    "VisualStudioCodeCredential",  "AzurePowerShellCredential",  "AzureDeveloperCliCredential",
    "InteractiveBrowserCredential"};

// Tries each credential in order; the first that is available answers.
class ChainedCredential : public TokenCredential {
  public:
    explicit ChainedCredential(std::vector<std::unique_ptr<TokenCredential>> chain)
        : chain_(std::move(chain)) {}
    std::string name() const override { return "DefaultAzureCredential"; }

    AccessToken get_token() override {
        std::string tried;
        for (auto& c : chain_) {
            try {
                return c->get_token();
            } catch (const CredentialUnavailable& e) {
                tried += std::string(tried.empty() ? "" : "; ") + e.what();
            }
        }
        throw Error(ExitCode::credential,
                    "no credential available (" + tried +
                        "); set AZURE_TENANT_ID/AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or "
                        "AZURE_CLIENT_CERTIFICATE_PATH, CIPOLICY_ACCESS_TOKEN, run az login, or "
                        "choose one with " +
                        setting_name("azure.credential") + " (docs/trusted-signing.md)");
    }

  private:
    std::vector<std::unique_ptr<TokenCredential>> chain_;
};

// A single chosen credential: its absence is an error, not a reason to try others.
class RequiredCredential : public TokenCredential {
  public:
    explicit RequiredCredential(std::unique_ptr<TokenCredential> inner)
        : inner_(std::move(inner)) {}
    std::string name() const override { return inner_->name(); }
    AccessToken get_token() override {
        try {
            return inner_->get_token();
        } catch (const CredentialUnavailable& e) {
            throw Error(ExitCode::credential,
                        std::string(e.what()) + " (" + setting_name("azure.credential") + ")");
        }
    }

  private:
    std::unique_ptr<TokenCredential> inner_;
};

}  // namespace

const std::vector<std::string>& credential_types() {
    static const std::vector<std::string> types{
        "default",          "access-token",       "environment",
        "client-secret",    "client-certificate", "workload-identity",
        "managed-identity", "azure-cli"};
    return types;
}

std::unique_ptr<TokenCredential> make_credential(const CredentialOptions& options,
                                                 http::Client& client) {
    std::string type = lower(options.type);
    for (const auto& sdk : kSdkNames) {
        if (type != lower(sdk)) continue;
        if (sdk == "EnvironmentCredential")
            type = "environment";
        else if (sdk == "WorkloadIdentityCredential")
            type = "workload-identity";
        else if (sdk == "ManagedIdentityCredential")
            type = "managed-identity";
        else if (sdk == "AzureCliCredential")
            type = "azure-cli";
    }
    const TokenTarget target{options.audience, options.deadline, options.request_timeout,
                             options.deadline_setting};
    std::unique_ptr<TokenCredential> one;
    if (type == "access-token")
        one = access_token_credential(options.access_token_file);
    else if (type == "environment")
        one = environment_credential(client, {}, target);
    else if (type == "client-secret")
        one = environment_credential(client, "secret", target);
    else if (type == "client-certificate")
        one = environment_credential(client, "certificate", target);
    else if (type == "workload-identity")
        one = workload_identity_credential(client, target);
    else if (type == "managed-identity")
        one = managed_identity_credential(client, target);
    else if (type == "azure-cli")
        one = azure_cli_credential(options.audience);
    else if (type != "default") {
        std::string list;
        for (const auto& t : credential_types()) list += (list.empty() ? "" : ", ") + t;
        throw Error(ExitCode::usage, setting_name("azure.credential") + ": unknown type '" +
                                         options.type + "'; use one of " + list);
    }
    if (one) return with_build_cache(std::make_unique<RequiredCredential>(std::move(one)), options);

    std::vector<std::string> excluded;
    for (const auto& e : options.exclude) {
        auto it = std::find_if(kSdkNames.begin(), kSdkNames.end(),
                               [&](const std::string& n) { return lower(n) == lower(e); });
        if (it == kSdkNames.end()) {
            std::string list;
            for (const auto& n : kSdkNames) list += (list.empty() ? "" : ", ") + n;
            throw Error(ExitCode::usage,
                        "ExcludeCredentials: unknown credential '" + e + "'; known: " + list);
        }
        excluded.push_back(*it);
    }
    auto allowed = [&](const char* n) {
        return std::find(excluded.begin(), excluded.end(), n) == excluded.end();
    };
    std::vector<std::unique_ptr<TokenCredential>> chain;
    // An explicitly handed-over token comes first: the user went out of their way to give it.
    if (options.access_token_file || env("CIPOLICY_ACCESS_TOKEN"))
        chain.push_back(access_token_credential(options.access_token_file));
    if (allowed("EnvironmentCredential"))
        chain.push_back(environment_credential(client, {}, target));
    if (allowed("WorkloadIdentityCredential"))
        chain.push_back(workload_identity_credential(client, target));
    if (allowed("ManagedIdentityCredential"))
        chain.push_back(managed_identity_credential(client, target));
    if (allowed("AzureCliCredential")) chain.push_back(azure_cli_credential(options.audience));
    return with_build_cache(std::make_unique<ChainedCredential>(std::move(chain)), options);
}

}  // namespace cipolicy::credentials
