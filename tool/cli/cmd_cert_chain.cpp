#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli/az_aliases.hpp"
#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "cli/output_guard.hpp"
#include "cli/service_command.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "crypto/chain.hpp"
#include "trusted_signing/signing_result.hpp"

namespace cipolicy::cli {
namespace fs = std::filesystem;

namespace {

std::vector<crypto::Certificate> leaf_to_root(const std::vector<crypto::Certificate>& certs) {
    for (const auto& candidate : certs) {
        bool issues_another =
            std::any_of(certs.begin(), certs.end(), [&](const crypto::Certificate& c) {
                return c.der() != candidate.der() &&
                       X509_check_issued(candidate.get(), c.get()) == X509_V_OK;
            });
        if (issues_another) continue;
        std::vector<crypto::Certificate> ordered = crypto::order_chain(candidate, certs);
        // Anything not on the path (an unrelated extra) is kept, after it.
        for (const auto& c : certs)
            if (std::none_of(ordered.begin(), ordered.end(),
                             [&](const crypto::Certificate& o) { return o.der() == c.der(); }))
                ordered.push_back(c);
        return ordered;
    }
    return certs;
}

}  // namespace

int run_cert_chain(const Args& args) {
    po::options_description opts("cert-chain options");
    opts.add_options()("output,o", po::value<std::string>()->value_name("FILE"),
                       "write the chain here: chain.p7b (DER PKCS#7, as the service sends it) or "
                       "chain.pem (PEM certificates, leaf first)")(
        "pem", "write PEM whatever the file name");
    opts.add(service_command_options());
    ParsedArgs a = parse_args("cert-chain", map_az_aliases(args), opts, {});
    if (a.help) {
        print_help(
            {"cert-chain (--metadata FILE | --endpoint URL --account A --profile P) [-o FILE]",
             "Downloads the certificate chain of a Trusted Signing certificate profile\n"
             "(Get-AzCodeSigningCertChain) and prints each certificate's subject.",
             {{"a profile's chain as PKCS#7",
               "cipolicy cert-chain --metadata metadata.json -o chain.p7b"},
              {"as PEM", "cipolicy cert-chain --metadata metadata.json -o chain.pem"}},
             {profile_help_section(), {"Output", {{"output", ""}, {"pem", ""}}}}},
            opts, {}, a.help_all);
        return 0;
    }
    Console out(a.flags);
    check_output_option("cert-chain", a.vm, a.vm.count("pem") > 0, true);
    auto session = open_session(a.vm, out);
    Bytes der = session->client().certificate_chain();
    std::vector<crypto::Certificate> certs =
        trusted_signing::certificates_from_pkcs7(der, "the service's certificate chain");
    // Leaf first, then each issuer up to the root, whatever order the service sends them in
    // (root first, today): the leaf is the certificate that issued none of the others.
    certs = leaf_to_root(certs);
    nlohmann::json result{{"certificates", nlohmann::json::array()}};
    // With -o - the PEM is the standard output, and nothing else is.
    const bool to_stdout = a.vm.count("output") && is_stdout(a.vm["output"].as<std::string>());
    for (const auto& c : certs) {
        if (!to_stdout)
            out.result(c.subject() + "  (SHA-256 " +
                       to_hex(c.thumbprint(crypto::DigestAlgorithm::sha256)) + ")");
        result["certificates"].push_back(
            {{"subject", c.subject()},
             {"issuer", c.issuer()},
             {"sha256", to_hex(c.thumbprint(crypto::DigestAlgorithm::sha256))},
             {"notAfter", c.not_after()}});
    }
    if (a.vm.count("output")) {
        fs::path path = a.vm["output"].as<std::string>();
        bool pem = a.vm.count("pem") || path.extension() == ".pem" || path.extension() == ".crt";
        if (pem) {
            std::string text;
            for (const auto& c : certs) {
                crypto::ossl::BioPtr bio(BIO_new(BIO_s_mem()));
                if (!bio || PEM_write_bio_X509(bio.get(), c.get()) != 1)
                    throw Error(ExitCode::internal, "cannot encode a certificate as PEM");
                char* data = nullptr;
                long len = BIO_get_mem_data(bio.get(), &data);
                text.append(data, static_cast<std::size_t>(len));
            }
            write_output(path,
                         ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                         true);
        } else {
            write_output(path, der, false);
        }
        if (is_stdout(path)) return 0;
        result["output"] = path.string();
        out.detail("wrote " + path.string());
    }
    out.json(result);
    return 0;
}

}  // namespace cipolicy::cli
