// What a client does with an HTTP 401 (credentials::TokenUse over TokenProvider): the refused token
// is forgotten; a request is sent once more, with a new token, only when the refused one came
// from the build cache.
#include <catch2/catch.hpp>

#include "credentials/token_provider.hpp"
#include "credentials/token_use.hpp"

using namespace cipolicy;
using namespace cipolicy::credentials;

namespace {

// Hands out "t1", "t2", ... with the origin the test sets; records what it was told was refused.
class FakeCredential : public TokenCredential {
  public:
    TokenOrigin origin = TokenOrigin::build_cache;
    std::vector<std::string> refused;
    int issued = 0;

    std::string name() const override { return "FakeCredential"; }
    AccessToken get_token() override {
        return {crypto::Secret("t" + std::to_string(++issued)),
                std::chrono::system_clock::now() + std::chrono::hours(1), origin};
    }
    void token_refused(const AccessToken& token) override {
        refused.push_back(token.value.reveal());
    }
};

http::Attempt attempt(bool last = false) {
    http::Attempt a;
    a.last = last;
    return a;
}

}  // namespace

TEST_CASE("token refusal: a cached token is forgotten and replaced once") {
    auto owned = std::make_unique<FakeCredential>();
    FakeCredential& credential = *owned;
    TokenProvider provider(std::move(owned));
    TokenUse use(provider);

    CHECK(use.bearer() == "t1");
    auto again = use.refused(attempt());
    REQUIRE(again);
    CHECK(again->server_delay == std::chrono::milliseconds(0));
    CHECK(again->problem.find("t1") == std::string::npos);
    CHECK(credential.refused == std::vector<std::string>{"t1"});

    // The provider dropped t1: the next attempt sends a new token. Say another run stored it in
    // the cache meanwhile (so it is a cached token too) and it is refused as well: forgotten, but
    // no third attempt.
    CHECK(use.bearer() == "t2");
    CHECK_FALSE(use.refused(attempt()));
    CHECK(credential.refused == std::vector<std::string>{"t1", "t2"});
}

TEST_CASE("token refusal: a token this run fetched is not retried") {
    auto owned = std::make_unique<FakeCredential>();
    owned->origin = TokenOrigin::this_run;
    FakeCredential& credential = *owned;
    TokenProvider provider(std::move(owned));
    TokenUse use(provider);
    CHECK(use.bearer() == "t1");
    CHECK_FALSE(use.refused(attempt()));
    CHECK(credential.refused == std::vector<std::string>{"t1"});
    // Still dropped from memory: a later request of this run fetches anew.
    CHECK(provider.bearer().value.reveal() == "t2");
}

TEST_CASE("token refusal: no retry on the last attempt, and a newer token stays") {
    auto owned = std::make_unique<FakeCredential>();
    TokenProvider provider(std::move(owned));
    TokenUse first(provider), second(provider);
    CHECK(first.bearer() == "t1");
    CHECK(second.bearer() == "t1");
    CHECK(first.refused(attempt()));
    CHECK(first.bearer() == "t2");
    // The second request's refusal of t1 arrives after t2 replaced it: t2 stays in memory.
    CHECK(second.refused(attempt()));
    CHECK(second.bearer() == "t2");

    TokenUse last(provider);
    CHECK(last.bearer() == "t2");
    CHECK_FALSE(last.refused(attempt(true)));
}
