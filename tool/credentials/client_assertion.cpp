#include "credentials/client_assertion.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "crypto/ossl.hpp"
#include "http/encoding.hpp"

namespace cipolicy::credentials {

namespace {
std::string b64url(const std::string& text) {
    return http::base64url_encode(
        ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}
}  // namespace

std::string make_client_assertion(const crypto::KeyMaterial& key, const std::string& client_id,
                                  const std::string& audience) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    nlohmann::json header{
        {"alg", "RS256"},
        {"typ", "JWT"},
        {"x5t", http::base64url_encode(key.leaf.thumbprint(crypto::DigestAlgorithm::sha1))}};
    nlohmann::json payload{{"aud", audience},  {"iss", client_id},
                           {"sub", client_id}, {"jti", http::random_uuid()},
                           {"nbf", now},       {"exp", now + 600}};
    std::string signing_input = b64url(header.dump()) + "." + b64url(payload.dump());

    crypto::ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len,
                       reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size()) != 1)
        throw Error(ExitCode::credential, "AZURE_CLIENT_CERTIFICATE_PATH: the key cannot sign: " +
                                              crypto::ossl::last_error());
    Bytes signature(len);
    if (EVP_DigestSign(ctx.get(), signature.data(), &len,
                       reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size()) != 1)
        throw Error(ExitCode::credential,
                    "AZURE_CLIENT_CERTIFICATE_PATH: signing failed: " + crypto::ossl::last_error());
    signature.resize(len);
    return signing_input + "." + http::base64url_encode(signature);
}

}  // namespace cipolicy::credentials
