#pragma once
// Every key provider in one table: its name, the settings that choose it, its defaults, and how
// to open it from resolved settings. Adding a provider is one row here and one folder beside
// trusted_signing/, key_vault/, pkcs11/ and cert_store/ (which never include each other).
// cli/cmd_sign.cpp only maps options to settings and asks this table.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/settings.hpp"
#include "crypto/certificate.hpp"
#include "signing/signer.hpp"

namespace cipolicy::providers {

using Warn = std::function<void(const std::string&)>;

// What opening a provider may tell the user: warnings, and --verbose lines (why the build cache
// was passed over).
struct Notices {
    Warn warn;
    Warn detail;
};

struct ProviderRow {
    config::Provider id;
    std::string_view name;   // `provider:` in cipolicy.yaml, CIPOLICY_PROVIDER
    std::string_view title;  // "Trusted Signing", for messages
    // The settings that, given, choose it (config::resolve_settings applies them; a unit test
    // keeps the two in step).
    std::vector<std::string_view> chosen_by;
    std::vector<std::string_view> setting_groups;  // the cipolicy.yaml sections it reads
    std::size_t jobs;                              // files signed at once by default
    std::string_view timestamp_url;                // the default timestamp server, or empty
    // Certificates that live days, not years: timestamping is on by default, and a warning says
    // what signing without one means.
    bool short_lived;
    std::unique_ptr<signing::Signer> (*open)(const config::Settings& settings,
                                             const Notices& notices);
};

const std::vector<ProviderRow>& registry();

// The row of the provider that resolved settings choose (local when they name none).
const ProviderRow& chosen_provider(const config::Settings& settings);

// Opens the chosen provider's signer. Throws Error(usage) naming what is missing.
std::unique_ptr<signing::Signer> open_signer(const config::Settings& settings,
                                             const Notices& notices = {});

// The certificates of --root / local.root / CIPOLICY_ROOT (every one of each file).
std::vector<crypto::Certificate> load_roots(const config::Settings& settings);

}  // namespace cipolicy::providers
