#include "policy/sample_policy.hpp"

#include <utility>

#include "policy/eku_value.hpp"

namespace cipolicy::policy {

Policy make_signable_base_policy(Bytes update_signer_tbs_hash, Guid policy_id,
                                 const std::vector<std::string>& eku_oids) {
    Policy p;
    p.format_version = 8;
    p.identity = MultiplePolicyFormat{policy_id, policy_id};
    p.platform_id = *Guid::parse("{2E07F7E4-194C-4D20-B7C9-6F44A6C5A234}");
    p.options =
        RuleOptions(option_bit::always_set | option_bit::umci | option_bit::audit_mode |
                    option_bit::update_policy_no_reboot | option_bit::allow_supplemental_policies);
    p.version = Version{{10, 0, 0, 0}};

    // One "*" Allow rule per scenario, as Microsoft's AllowAll template compiles.
    for (const char* id : {"ID_ALLOW_A_1", "ID_ALLOW_A_2"}) {
        FileRule allow_all;
        allow_all.xml.id = id;
        allow_all.type = FileRuleType::allow;
        allow_all.file_name = policy_string("*");
        p.file_rules.push_back(std::move(allow_all));
    }

    SignerRule update_signer;
    update_signer.xml = {"ID_SIGNER_UPDATE", "cipolicy update signer"};
    update_signer.root = TbsRoot{std::move(update_signer_tbs_hash)};
    for (const auto& oid : eku_oids) {
        Eku eku;
        eku.xml.id = "ID_EKU_E_" + std::to_string(p.ekus.size() + 1);
        eku.value = oid_to_eku_value(oid);
        update_signer.cert_ekus.push_back(static_cast<std::uint32_t>(p.ekus.size()));
        p.ekus.push_back(std::move(eku));
    }
    p.signers.push_back(std::move(update_signer));
    p.update_policy_signers = {0};
    p.supplemental_policy_signers = {0};

    SigningScenario kernel;
    kernel.xml = {"ID_SIGNINGSCENARIO_DRIVERS_1", "Auto generated policy"};
    kernel.value = kKernelModeScenario;
    kernel.product_signers.file_rules_ref = {0};
    SigningScenario user;
    user.xml = {"ID_SIGNINGSCENARIO_WINDOWS", "Auto generated policy"};
    user.value = kUserModeScenario;
    user.product_signers.file_rules_ref = {1};
    p.signing_scenarios = {std::move(kernel), std::move(user)};

    // Settings are sorted case-insensitively by provider, key and value name: "Id" < "Name".
    p.settings.push_back({policy_string("PolicyInfo"), policy_string("Information"),
                          policy_string("Id"), policy_string("cipolicy-sample")});
    p.settings.push_back({policy_string("PolicyInfo"), policy_string("Information"),
                          policy_string("Name"), policy_string("cipolicy signable base policy")});
    return p;
}

}  // namespace cipolicy::policy
