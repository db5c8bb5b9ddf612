#include "credentials/managed_identity.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/quote.hpp"
#include "credentials/entra_token.hpp"
#include "http/encoding.hpp"
#include "http/url.hpp"

namespace cipolicy::credentials {

namespace {

class ManagedIdentityCredential : public TokenCredential {
  public:
    ManagedIdentityCredential(http::Client& client, TokenTarget target)
        : client_(client), target_(std::move(target)) {}
    std::string name() const override { return "ManagedIdentityCredential"; }

    AccessToken get_token() override {
        http::Request request;
        std::string query = "resource=" + http::url_escape(target_.audience);
        if (auto id = env("AZURE_CLIENT_ID")) query += "&client_id=" + http::url_escape(*id);
        auto endpoint = env("IDENTITY_ENDPOINT");
        auto header = env("IDENTITY_HEADER");
        std::string source;
        if (endpoint && header) {
            source = "managed identity (App Service, IDENTITY_ENDPOINT)";
            // The identity header is a secret: App Service's endpoint is on this machine (plain
            // http on loopback, by design), anything else must be https.
            const auto origin = http::origin_of(*endpoint);
            if (!origin || (origin->scheme != "https" && !http::is_loopback(*origin)))
                throw CredentialUnavailable(name() + ": IDENTITY_ENDPOINT " + quote(*endpoint) +
                                            " must be https, or http on this machine (loopback)");
            request.url = *endpoint + "?api-version=2019-08-01&" + query;
            request.headers = {"X-IDENTITY-HEADER: " + *header};
        } else {
            std::string imds = env("CIPOLICY_IMDS_ENDPOINT").value_or("http://169.254.169.254");
            while (!imds.empty() && imds.back() == '/') imds.pop_back();
            source = "managed identity (IMDS " + imds + ")";
            request.url = imds + "/metadata/identity/oauth2/token?api-version=2018-02-01&" + query;
            request.headers = {"Metadata: true"};
            // Off Azure nothing answers at the link-local address: give up quickly.
            request.timeout = std::chrono::seconds(5);
            request.direct = true;
        }
        request.headers.push_back("Accept: application/json");
        // One request, no retries: within the request timeout and the deadline both.
        request.timeout = std::min({request.timeout, target_.request_timeout, target_.deadline});
        http::Response response;
        try {
            response = client_.perform(request);
        } catch (const http::TransportError& e) {
            throw CredentialUnavailable(name() + ": " + source + " is not reachable: " + e.what());
        }
        // IMDS answers 400 when the machine has no identity (or not the one asked for).
        if (response.status == 400 && !endpoint)
            throw CredentialUnavailable(name() + ": " + source +
                                        ": no managed identity is assigned (HTTP 400)");
        return parse_token_response(response, source);
    }

  private:
    http::Client& client_;
    TokenTarget target_;
};

}  // namespace

std::unique_ptr<TokenCredential> managed_identity_credential(http::Client& client,
                                                             TokenTarget target) {
    return std::make_unique<ManagedIdentityCredential>(client, std::move(target));
}

}  // namespace cipolicy::credentials
