#pragma once
// Opening the key stores that keep the key away from this machine: a PKCS#11 token or HSM and
// Azure Key Vault. Their settings (pkcs11.*, key-vault.*) come from the setting table like every
// other signing setting.

#include <functional>
#include <memory>
#include <string>

#include "config/settings.hpp"
#include "signing/signer.hpp"

namespace cipolicy::cli {

// Opens the PKCS#11 or Key Vault signer; nullptr when the settings choose neither. The credential,
// access token file, CA file and timeouts are shared with Trusted Signing.
std::unique_ptr<signing::Signer> open_key_store_signer(
    const config::Settings& s, const std::function<void(const std::string&)>& warn);

}  // namespace cipolicy::cli
