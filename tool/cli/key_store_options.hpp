#pragma once
// The options of the key stores that keep the key away from this machine: a PKCS#11 token or HSM
// (--pkcs11-module, --pkcs11-uri, --pin-env/--pin-file) and Azure Key Vault (--key-vault,
// --key-vault-certificate[-version]); they layer with the pkcs11: and key-vault: sections of
// cipolicy.yaml and CIPOLICY_* like every other signing setting.
// (Wired in the style of signer_options until the settings table of tool/config replaces it.)

#include <functional>
#include <memory>
#include <string>

#include "cli/options.hpp"
#include "config/settings.hpp"
#include "signing/signer.hpp"

namespace cipolicy::cli {

po::options_description key_store_options();

// Copies the key-store options into `s` and sets its provider when one is named.
void key_store_settings_from_command_line(const po::variables_map& vm, Settings& s);

// The key store the settings choose (explicitly, or by naming a URI or a vault), if any.
std::optional<Provider> wanted_key_store(const Settings& s);

// Opens the PKCS#11 or Key Vault signer; nullptr when the settings choose neither. `vm` supplies
// --credential, --access-token-file, --ca-file and the timeouts shared with Trusted Signing.
std::unique_ptr<Signer> open_key_store_signer(const Settings& s, const po::variables_map& vm,
                                              const std::function<void(const std::string&)>& warn);

}  // namespace cipolicy::cli
