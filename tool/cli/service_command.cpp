#include "cli/service_command.hpp"

#include "cli/options_table.hpp"
#include "core/error.hpp"
#include "providers/trusted_signing_options.hpp"

namespace cipolicy::cli {

po::options_description service_command_options() {
    po::options_description opts = config_option();
    opts.add(service_options());
    return opts;
}

HelpSection profile_help_section() {
    return {
        "Trusted Signing profile",
        {{"metadata", ""}, {"endpoint", ""}, {"account", ""}, {"profile", ""}, {"credential", ""}}};
}

std::unique_ptr<trusted_signing::Session> open_session(const po::variables_map& vm,
                                                       const Console& out) {
    config::Settings settings = resolve_settings(vm);
    trusted_signing::SessionOptions options = providers::session_options(settings);
    if (auto w = trusted_signing::endpoint_warning(options.service.endpoint); !w.empty())
        out.warning(w);
    out.detail("Trusted Signing: account " + options.service.account + ", profile " +
               options.service.profile + ", " + options.service.endpoint + ", correlation id " +
               options.service.correlation_id);
    return std::make_unique<trusted_signing::Session>(std::move(options));
}

bool names_service_profile(const po::variables_map& vm) {
    return config::wants_trusted_signing(resolve_settings(vm));
}

ProfileIdentity fetch_profile_identity(const po::variables_map& vm, const Console& out) {
    auto session = open_session(vm, out);
    crypto::Certificate root = crypto::Certificate::from_der(session->client().root_certificate(),
                                                             "the service's root certificate");
    out.detail("profile root: " + root.subject());
    std::vector<std::string> ekus = session->client().customer_ekus();
    if (ekus.empty())
        throw Error(ExitCode::service,
                    "the service returned no customer EKU for the profile; without one the "
                    "policy would trust every customer of its root");
    for (const auto& oid : ekus) out.detail("profile customer EKU: " + oid);
    return {std::move(root), std::move(ekus)};
}

}  // namespace cipolicy::cli
