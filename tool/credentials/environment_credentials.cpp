#include "credentials/environment_credentials.hpp"

#include <optional>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "credentials/client_assertion.hpp"
#include "credentials/entra_token.hpp"
#include "http/encoding.hpp"

namespace cipolicy::credentials {

namespace {

constexpr const char* kJwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

struct Identity {
    std::string tenant, client_id;
};

Identity identity_from_env(const std::string& who) {
    auto tenant = env("AZURE_TENANT_ID");
    auto client_id = env("AZURE_CLIENT_ID");
    if (!tenant || !client_id)
        throw CredentialUnavailable(who + ": AZURE_TENANT_ID and AZURE_CLIENT_ID are not both set");
    return {*tenant, *client_id};
}

crypto::KeyMaterial load_client_certificate(const std::string& path) {
    std::filesystem::path p(path);
    std::string ext = p.extension().string();
    if (ext == ".pfx" || ext == ".p12")
        return crypto::load_pfx(
            p, {crypto::Secret(env("AZURE_CLIENT_CERTIFICATE_PASSWORD").value_or("")),
                "the variable AZURE_CLIENT_CERTIFICATE_PASSWORD"});
    std::vector<crypto::Certificate> certs = crypto::load_certificates(p);
    return crypto::KeyMaterial{
        crypto::load_private_key(
            p, {crypto::Secret(), "an unencrypted key (AZURE_CLIENT_CERTIFICATE_PATH)"}),
        certs.front(),
        {certs.begin() + 1, certs.end()}};
}

class EnvironmentCredential : public TokenCredential {
  public:
    EnvironmentCredential(http::Client& client, std::string require, TokenTarget target)
        : client_(client), require_(std::move(require)), target_(std::move(target)) {}
    std::string name() const override { return "EnvironmentCredential"; }

    AccessToken get_token() override {
        Identity id = identity_from_env(name());
        auto secret = env("AZURE_CLIENT_SECRET");
        auto cert_path = env("AZURE_CLIENT_CERTIFICATE_PATH");
        if (require_ == "certificate") secret.reset();
        if (require_ == "secret") cert_path.reset();
        std::string form = "client_id=" + http::url_escape(id.client_id);
        if (secret) {
            crypto::Secret escaped(http::url_escape(*secret));
            secret.reset();
            return request_client_credentials_token(client_, id.tenant,
                                                    form + "&client_secret=" + escaped.reveal(),
                                                    "client secret (AZURE_CLIENT_SECRET)", target_);
        }
        if (cert_path) {
            std::optional<crypto::KeyMaterial> key;
            try {
                key.emplace(load_client_certificate(*cert_path));
            } catch (const Error& e) {
                throw Error(ExitCode::credential,
                            std::string("AZURE_CLIENT_CERTIFICATE_PATH: ") + e.what());
            }
            std::string assertion =
                make_client_assertion(*key, id.client_id, token_endpoint(id.tenant));
            return request_client_credentials_token(
                client_, id.tenant,
                form + "&client_assertion_type=" + http::url_escape(kJwtBearer) +
                    "&client_assertion=" + assertion,
                "client certificate (" + *cert_path + ")", target_);
        }
        throw CredentialUnavailable(
            name() + ": neither AZURE_CLIENT_SECRET nor AZURE_CLIENT_CERTIFICATE_PATH is set");
    }

  private:
    http::Client& client_;
    std::string require_;
    TokenTarget target_;
};

class WorkloadIdentityCredential : public TokenCredential {
  public:
    WorkloadIdentityCredential(http::Client& client, TokenTarget target)
        : client_(client), target_(std::move(target)) {}
    std::string name() const override { return "WorkloadIdentityCredential"; }

    AccessToken get_token() override {
        auto file = env("AZURE_FEDERATED_TOKEN_FILE");
        if (!file) throw CredentialUnavailable(name() + ": AZURE_FEDERATED_TOKEN_FILE is not set");
        Identity id = identity_from_env(name());
        crypto::Secret assertion;
        try {
            assertion = crypto::Secret(read_text_file(*file));
        } catch (const Error& e) {
            throw Error(ExitCode::credential,
                        std::string("AZURE_FEDERATED_TOKEN_FILE: ") + e.what());
        }
        return request_client_credentials_token(
            client_, id.tenant,
            "client_id=" + http::url_escape(id.client_id) +
                "&client_assertion_type=" + http::url_escape(kJwtBearer) +
                "&client_assertion=" + http::url_escape(assertion.reveal()),
            "workload identity (AZURE_FEDERATED_TOKEN_FILE " + *file + ")", target_);
    }

  private:
    http::Client& client_;
    TokenTarget target_;
};

}  // namespace

std::unique_ptr<TokenCredential> environment_credential(http::Client& client, std::string require,
                                                        TokenTarget target) {
    return std::make_unique<EnvironmentCredential>(client, std::move(require), std::move(target));
}

std::unique_ptr<TokenCredential> workload_identity_credential(http::Client& client,
                                                              TokenTarget target) {
    return std::make_unique<WorkloadIdentityCredential>(client, std::move(target));
}

}  // namespace cipolicy::credentials
