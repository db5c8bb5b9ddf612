#include "credentials/azure_cli.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/quote.hpp"
#include "credentials/entra_token.hpp"

#ifndef _WIN32
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>

extern char** environ;
#endif

namespace cipolicy::credentials {

namespace {

struct Outcome {
    int status = -1;
    std::string out, err;
};

#ifndef _WIN32
// A pipe's two ends, closed when they go out of scope.
struct Pipe {
    int fd[2] = {-1, -1};
    Pipe() {
        if (pipe(fd) != 0) throw Error(ExitCode::internal, "cannot create a pipe for az");
    }
    ~Pipe() {
        for (int f : fd)
            if (f >= 0) close(f);
    }
    void close_end(int i) {
        if (fd[i] >= 0) close(fd[i]);
        fd[i] = -1;
    }
};

std::string read_all(int fd) {
    std::string data;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) data.append(buf, static_cast<std::size_t>(n));
    return data;
}

// Runs `args` found on PATH, without a shell: nothing in them is ever interpreted.
std::optional<Outcome> run(const std::vector<std::string>& args) {
    Pipe out, err;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
    posix_spawn_file_actions_addclose(&actions, out.fd[0]);
    posix_spawn_file_actions_addclose(&actions, err.fd[0]);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return std::nullopt;
    out.close_end(1);
    err.close_end(1);
    Outcome o;
    o.out = read_all(out.fd[0]);
    o.err = read_all(err.fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    o.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return o;
}

// "2024-05-01 12:34:56.000000" in local time, as az prints expiresOn.
std::optional<std::chrono::system_clock::time_point> parse_local_time(const std::string& text) {
    std::tm tm{};
    if (!strptime(text.c_str(), "%Y-%m-%d %H:%M:%S", &tm)) return std::nullopt;
    tm.tm_isdst = -1;
    return std::chrono::system_clock::from_time_t(std::mktime(&tm));
}
#endif

class AzureCliCredential : public TokenCredential {
  public:
    std::string name() const override { return "AzureCliCredential"; }

    AccessToken get_token() override {
#ifdef _WIN32
        throw CredentialUnavailable(name() + ": not supported on Windows in this version");
#else
        std::vector<std::string> args{"az",   "account",    "get-access-token", "--output",
                                      "json", "--resource", kAudience};
        if (auto tenant = env("AZURE_TENANT_ID")) {
            args.push_back("--tenant");
            args.push_back(*tenant);
        }
        auto outcome = run(args);
        if (!outcome) throw CredentialUnavailable(name() + ": az is not on PATH");
        if (outcome->status != 0) {
            std::string why = outcome->err.substr(0, outcome->err.find_first_of("\r\n"));
            if (why.find("az login") != std::string::npos ||
                why.find("not logged in") != std::string::npos)
                throw CredentialUnavailable(name() + ": not signed in: run az login");
            throw Error(ExitCode::credential, "az account get-access-token --resource " +
                                                  std::string(kAudience) + " failed (exit " +
                                                  std::to_string(outcome->status) +
                                                  "): " + escaped(why));
        }
        auto body = nlohmann::json::parse(outcome->out, nullptr, false);
        if (!body.is_object() || !body.contains("accessToken") || !body["accessToken"].is_string())
            throw Error(ExitCode::credential,
                        "az account get-access-token printed no accessToken; update the Azure CLI");
        AccessToken token{Secret(body["accessToken"].get<std::string>()),
                          std::chrono::system_clock::now() + std::chrono::minutes(30)};
        if (body.contains("expires_on") && body["expires_on"].is_number_integer())
            token.expires_on = clamped_expiry(body["expires_on"].get<long long>(), {});
        else if (body.contains("expiresOn") && body["expiresOn"].is_string())
            if (auto t = parse_local_time(body["expiresOn"].get<std::string>()))
                token.expires_on = *t;
        return token;
#endif
    }
};

}  // namespace

std::unique_ptr<TokenCredential> azure_cli_credential() {
    return std::make_unique<AzureCliCredential>();
}

}  // namespace cipolicy::credentials
