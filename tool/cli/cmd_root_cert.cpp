#include <openssl/pem.h>
#include <nlohmann/json.hpp>

#include "cli/az_aliases.hpp"
#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "cli/output_guard.hpp"
#include "cli/service_command.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "crypto/certificate.hpp"

namespace cipolicy::cli {

namespace {
std::string pem_of(const crypto::Certificate& cert) {
    crypto::ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert.get()) != 1)
        throw Error(ExitCode::internal, "cannot encode a certificate as PEM");
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}
}  // namespace

int run_root_cert(const Args& args) {
    po::options_description opts("root-cert options");
    opts.add_options()("output,o", po::value<std::string>()->value_name("FILE"),
                       "write the root certificate here (DER, or PEM with --pem; - for standard "
                       "output with --pem)")("pem", "write PEM instead of DER");
    opts.add(service_command_options());
    ParsedArgs a = parse_args("root-cert", map_az_aliases(args), opts, {});
    if (a.help) {
        print_help(
            {"root-cert (--metadata FILE | --endpoint URL --account NAME --profile NAME) [-o FILE]",
             "Downloads the root certificate of a Trusted Signing certificate profile\n"
             "(Get-AzCodeSigningRootCert) and prints its subject and SHA-1/SHA-256 thumbprints.\n"
             "Authorize it in a policy, with the profile's customer EKU, with\n"
             "`cipolicy add-signer POLICY.xml --metadata metadata.json --update`\n"
             "or `cipolicy new-policy --metadata metadata.json`.",
             {{"a profile's root certificate, DER",
               "cipolicy root-cert --metadata metadata.json -o root.cer"},
              {"as PEM on standard output",
               "cipolicy root-cert --metadata metadata.json --pem -o -"}},
             {profile_help_section(), {"Output", {{"output", ""}, {"pem", ""}}}}},
            opts, {}, a.help_all);
        return 0;
    }
    Console out(a.flags);
    check_output_option("root-cert", a.vm, a.vm.count("pem") > 0, true);
    auto session = open_session(a.vm, out);
    Bytes der = session->client().root_certificate();
    crypto::Certificate cert = crypto::Certificate::from_der(der, "the service's root certificate");
    std::string sha1 = to_hex(cert.thumbprint(crypto::DigestAlgorithm::sha1));
    std::string sha256 = to_hex(cert.thumbprint(crypto::DigestAlgorithm::sha256));
    nlohmann::json result{{"subject", cert.subject()}, {"sha1", sha1}, {"sha256", sha256}};
    if (a.vm.count("output")) {
        std::string path = a.vm["output"].as<std::string>();
        if (a.vm.count("pem")) {
            std::string pem = pem_of(cert);
            write_output(path,
                         ByteView(reinterpret_cast<const std::uint8_t*>(pem.data()), pem.size()),
                         true);
        } else {
            write_output(path, der, false);
        }
        // With -o - the certificate is the standard output.
        if (is_stdout(path)) return 0;
        result["output"] = path;
        out.detail("wrote " + path);
    }
    out.result("subject: " + cert.subject());
    out.result("SHA-1 thumbprint: " + sha1);
    out.result("SHA-256 thumbprint: " + sha256);
    out.json(result);
    return 0;
}

}  // namespace cipolicy::cli
