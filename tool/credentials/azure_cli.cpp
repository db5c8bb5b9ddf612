#include "credentials/azure_cli.hpp"

#include <cctype>
#include <ctime>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/quote.hpp"
#include "credentials/entra_token.hpp"
#include "platform/process.hpp"

namespace cipolicy::credentials {

namespace {

// Where Azure.Identity's AzureCliCredential looks for az: PATH, or when PATH is empty the
// folders the Azure CLI installs to.
std::string az_search_path() {
    if (auto path = env("PATH"); path && !path->empty()) return *path;
#ifdef _WIN32
    std::string path;
    for (const char* var : {"ProgramFiles(x86)", "ProgramFiles"})
        if (auto dir = env(var)) path += *dir + "\\Microsoft SDKs\\Azure\\CLI2\\wbin;";
    return path;
#else
    return "/usr/bin:/usr/local/bin";
#endif
}

std::vector<std::string> az_names() {
#ifdef _WIN32
    // The Azure CLI on Windows is a batch file; Windows runs it through cmd.exe itself, which
    // is why every argument below is a constant or checked to hold nothing cmd.exe interprets.
    return {"az.cmd", "az.exe"};
#else
    return {"az"};
#endif
}

// Tenant IDs are GUIDs or domain names; anything else is refused before it reaches a command line.
bool valid_tenant(const std::string& tenant) {
    if (tenant.empty() || tenant.size() > 256) return false;
    for (unsigned char c : tenant)
        if (!std::isalnum(c) && c != '-' && c != '.') return false;
    return true;
}

// "2024-05-01 12:34:56.000000" in local time, as az prints expiresOn.
std::optional<std::chrono::system_clock::time_point> parse_local_time(const std::string& text) {
    std::tm tm{};
    std::istringstream in(text);
    in >> std::get_time(&tm, "%Y-%m-%d %H:%M:%S");
    if (in.fail()) return std::nullopt;
    tm.tm_isdst = -1;
    std::time_t t = std::mktime(&tm);
    if (t == static_cast<std::time_t>(-1)) return std::nullopt;
    return std::chrono::system_clock::from_time_t(t);
}

class AzureCliCredential : public TokenCredential {
  public:
    explicit AzureCliCredential(std::string audience) : audience_(std::move(audience)) {}
    std::string name() const override { return "AzureCliCredential"; }

    AccessToken get_token() override {
        std::vector<std::string> args{"account", "get-access-token", "--output",
                                      "json",    "--resource",       audience_};
        if (auto tenant = env("AZURE_TENANT_ID")) {
            if (!valid_tenant(*tenant))
                throw Error(ExitCode::credential,
                            "AZURE_TENANT_ID is not a tenant ID (a GUID or a domain name: letters, "
                            "digits, '-' and '.' only)");
            args.push_back("--tenant");
            args.push_back(*tenant);
        }
        auto az = platform::find_program(az_names(), az_search_path());
        if (!az) throw CredentialUnavailable(name() + ": az is not on PATH");
        auto outcome = platform::run_process(*az, args);
        if (!outcome) throw CredentialUnavailable(name() + ": cannot run " + az->string());
        if (outcome->exit_code != 0) {
            std::string why = outcome->err.substr(0, outcome->err.find_first_of("\r\n"));
            if (why.find("az login") != std::string::npos ||
                why.find("not logged in") != std::string::npos)
                throw CredentialUnavailable(name() + ": not signed in: run az login");
            throw Error(ExitCode::credential,
                        "az account get-access-token --resource " + audience_ + " failed (exit " +
                            std::to_string(outcome->exit_code) + "): " + escaped(why));
        }
        auto body = nlohmann::json::parse(outcome->out, nullptr, false);
        if (!body.is_object() || !body.contains("accessToken") || !body["accessToken"].is_string())
            throw Error(ExitCode::credential,
                        "az account get-access-token printed no accessToken; update the Azure CLI");
        AccessToken token{crypto::Secret(body["accessToken"].get<std::string>()),
                          std::chrono::system_clock::now() + std::chrono::minutes(30)};
        if (body.contains("expires_on") && body["expires_on"].is_number_integer())
            token.expires_on = clamped_expiry(body["expires_on"].get<long long>(), {});
        else if (body.contains("expiresOn") && body["expiresOn"].is_string())
            if (auto t = parse_local_time(body["expiresOn"].get<std::string>()))
                token.expires_on = *t;
        return token;
    }

  private:
    std::string audience_;
};

}  // namespace

std::unique_ptr<TokenCredential> azure_cli_credential(std::string audience) {
    return std::make_unique<AzureCliCredential>(std::move(audience));
}

}  // namespace cipolicy::credentials
