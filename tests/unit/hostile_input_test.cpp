// Findings of the sanitizer and fuzzing review (issue 12), each pinned: server-given durations
// and times are clamped before arithmetic, untrusted text in messages is escaped and cut short,
// configuration keys that are not plain or given twice are refused, and what an XML 1.0 parser
// refuses is refused. UBSan (scripts/sanitize.sh) turns any remaining overflow into a failure.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "config/settings.hpp"
#include "core/error.hpp"
#include "core/quote.hpp"
#include "credentials/entra_token.hpp"
#include "http/retry.hpp"
#include "policy/xml_source.hpp"
#include "trusted_signing/metadata.hpp"
#include "trusted_signing/service_errors.hpp"

using namespace cipolicy;
using namespace std::chrono;

namespace {

std::optional<milliseconds> retry_delay(const char* header, const char* value) {
    http::Response r;
    r.headers[header] = value;
    return http::server_retry_delay(r);
}

system_clock::time_point token_expiry(const std::string& body) {
    http::Response r{200, {}, body};
    return credentials::parse_token_response(r, "https://login.test").expires_on;
}

bool within_a_week(system_clock::time_point t) {
    const auto now = system_clock::now();
    return t > now - hours(24 * 8) && t < now + hours(24 * 8);
}

std::string xml_error(const std::string& text) {
    try {
        policy::XmlSource("p.xml", text);
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::input);
        return e.what();
    }
    return "accepted";
}

const char* const kPolicyStart = "<SiPolicy xmlns=\"urn:schemas-microsoft-com:sipolicy\">";
const char* const kPolicyEnd = "</SiPolicy>";

}  // namespace

TEST_CASE("server retry delays are clamped to a day, whatever the server sent", "[hostile]") {
    CHECK(retry_delay("retry-after", "9223372036854775807") == http::kMaxServerDelay);
    CHECK(retry_delay("retry-after-ms", "9223372036854775807") == http::kMaxServerDelay);
    CHECK(retry_delay("x-ms-retry-after-ms", "9223372036854775807") == http::kMaxServerDelay);
    CHECK(retry_delay("retry-after", "86401") == http::kMaxServerDelay);
    CHECK(retry_delay("retry-after", "Wed, 21 Oct 9999 07:28:00 GMT") == http::kMaxServerDelay);
    // Year 2147483647 overflowed timegm's arithmetic: no longer a date at all.
    CHECK_FALSE(retry_delay("retry-after", "Wed, 21 Oct 2147483647 07:28:00 GMT").has_value());
    CHECK_FALSE(retry_delay("retry-after", "Wed, 41 Oct 2030 07:28:00 GMT").has_value());
    CHECK(retry_delay("retry-after", "3") == milliseconds(3000));
}

TEST_CASE("token expiry from a server is clamped to a week around now", "[hostile]") {
    CHECK(within_a_week(token_expiry(R"({"access_token":"t","expires_on":"17000010000"})")));
    CHECK(within_a_week(token_expiry(R"({"access_token":"t","expires_on":9223372036854775807})")));
    CHECK(within_a_week(token_expiry(R"({"access_token":"t","expires_on":-9223372036854775808})")));
    CHECK(within_a_week(token_expiry(R"({"access_token":"t","expires_on":18446744073709551615})")));
    CHECK(within_a_week(token_expiry(R"({"access_token":"t","expires_in":9223372036854775807})")));
    CHECK(within_a_week(
        token_expiry(R"({"access_token":"t","expires_in":"-99999999999999999999"})")));
    // A sane answer keeps its value.
    const auto in_an_hour = token_expiry(R"({"access_token":"t","expires_in":"3600"})");
    CHECK(in_an_hour > system_clock::now() + minutes(59));
    CHECK(in_an_hour < system_clock::now() + minutes(61));
    CHECK_THROWS_WITH(token_expiry(R"({"access_token":"t","expires_in":"soon"})"),
                      Catch::Contains("expires_in is not a number"));
}

TEST_CASE("untrusted text is escaped, kept valid UTF-8 and cut short", "[hostile]") {
    CHECK(quote("a\nb\x1b[31m\\\"") == R"("a\nb\x1B[31m\\\"")");
    CHECK(escaped("\xff\xc0\xaf ok \xc3\xa9") == "\\xFF\\xC0\\xAF ok \xc3\xa9");
    CHECK(escaped("\xe2\x80\xae") == "\\xE2\\x80\\xAE");  // U+202E RIGHT-TO-LEFT OVERRIDE
    CHECK(escaped(std::string(1000, 'A'), 10) == "AAAAAAAAAA... (1000 bytes)");
    // The cut never splits a character.
    CHECK(escaped("AAAAAAAAA\xc3\xa9", 10) == "AAAAAAAAA... (11 bytes)");
    // The last line of defence keeps paths readable.
    CHECK(one_line("C:\\p\\x.xml: \"v\"\r\nforged") == "C:\\p\\x.xml: \"v\"\\r\\nforged");
}

TEST_CASE("a service's error code and message cannot forge a line", "[hostile]") {
    http::Response r{
        400, {}, R"({"error":{"code":"X\ncipolicy: error: forged","message":"\u001b[2J"}})"};
    const std::string said = trusted_signing::service_message(r);
    CHECK(said.find('\n') == std::string::npos);
    CHECK(said.find('\x1b') == std::string::npos);
    CHECK_THAT(said, Catch::Contains("X\\ncipolicy: error: forged"));
}

TEST_CASE("cipolicy.yaml keys must be plain and given once", "[hostile][config]") {
    const std::filesystem::path file = "dir/cipolicy.yaml";
    for (const char* text : {"? [a, b]\n: c\n", "{a: 1}: x\n", "?\n:\n"})
        CHECK_THROWS_WITH(
            config::parse_settings(text, file),
            Catch::Contains("dir/cipolicy.yaml(") && Catch::Contains("a key must be a plain name"));
    CHECK_THROWS_WITH(config::parse_settings("provider: local\nprovider: trusted-signing\n", file),
                      Catch::Contains("cipolicy.yaml(2,1): the key \"provider\" is given twice"));
    CHECK_THROWS_WITH(config::parse_settings("local:\n  cert: a\n  cert: b\n", file),
                      Catch::Contains("the key \"local.cert\" is given twice"));
    try {
        config::parse_settings("? [a, b]\n: c\n", file);
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::input);
    }
}

TEST_CASE("metadata.json keys are given once, case-insensitively", "[hostile]") {
    const std::string rest = R"("CodeSigningAccountName":"a","CertificateProfileName":"p"})";
    CHECK_THROWS_WITH(
        trusted_signing::parse_metadata(
            R"({"Endpoint":"https://a.test","Endpoint":"https://b.test",)" + rest, "m.json"),
        Catch::Contains("m.json: the key \"Endpoint\" is given twice"));
    CHECK_THROWS_WITH(
        trusted_signing::parse_metadata(
            R"({"endpoint":"https://a.test","Endpoint":"https://b.test",)" + rest, "m.json"),
        Catch::Contains("is given twice (keys are case-insensitive)"));
    CHECK(trusted_signing::parse_metadata(R"({"Endpoint":"https://a.test",)" + rest, "m.json")
              .endpoint == "https://a.test");
}

TEST_CASE("policy XML that an XML 1.0 parser refuses is refused", "[hostile]") {
    const std::string doc = std::string(kPolicyStart) + kPolicyEnd;
    CHECK(xml_error(doc) == "accepted");
    CHECK(xml_error("<?xml version=\"1.0\"?>\n<!-- c -->" + doc + "\n<!-- c -->\n<?pi x?>\n") ==
          "accepted");
    CHECK_THAT(xml_error(doc + "garbage"),
               Catch::Contains("p.xml(1,") && Catch::Contains("text after the end of the root"));
    CHECK_THAT(xml_error(doc + doc), Catch::Contains("a second root element"));
    CHECK_THAT(xml_error("<?xml version=\"1.0\"?><?xml version=\"1.0\"?>" + doc),
               Catch::Contains("XML declaration that does not start the document"));
    CHECK_THAT(xml_error(doc + "<?xml version=\"1.0\"?>"),
               Catch::Contains("XML declaration that does not start the document"));
    CHECK_THAT(xml_error("x" + doc),
               Catch::Contains("p.xml(1,1)") && Catch::Contains("text before the root element"));
    CHECK_THAT(xml_error(std::string(kPolicyStart) + "\x01" + kPolicyEnd),
               Catch::Contains("control character"));
    for (const char* ref : {"&#27;", "&#x1B;", "&#0;", "&#xFFFE;", "&#99999999999;"})
        CHECK_THAT(xml_error(std::string(kPolicyStart) + ref + kPolicyEnd),
                   Catch::Contains("character reference"));
    CHECK(xml_error(std::string(kPolicyStart) + "&#x1F600;&#9;&#233;" + kPolicyEnd) == "accepted");
    CHECK_THAT(xml_error(std::string(kPolicyStart) + "\xc0\xaf" + kPolicyEnd),
               Catch::Contains("invalid UTF-8"));
    CHECK_THAT(xml_error("<SiPolicy a=\"1\" a=\"2\"/>"),
               Catch::Contains("the attribute a is given twice"));
    CHECK_THAT(xml_error("<SiPolicy a=\"<\"/>"), Catch::Contains("'<' in an attribute value"));
    // A '>' or '/' inside a value, CDATA and comments do not confuse the end of the root.
    CHECK(xml_error("<SiPolicy a=\"x/>\"><b c='/'/><![CDATA[</SiPolicy>]]><!-- </SiPolicy> -->"
                    "</SiPolicy>") == "accepted");
}
