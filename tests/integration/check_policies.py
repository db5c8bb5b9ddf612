"""Small App Control policies written by the `check` tests (CLI, CMake and MSBuild): a base or
supplemental policy with the given options, file rules and scenario rules."""

BASE_ID = '{11111111-2222-3333-4444-555555555555}'
SUPP_ID = '{99999999-2222-3333-4444-555555555555}'


def policy_xml(options=(), file_rules='', user='', kernel='', kind='Base Policy', policy_id=BASE_ID,
               base_id=BASE_ID):
    rules = ''.join(f'<Rule><Option>{o}</Option></Rule>'
                    for o in ('Enabled:Unsigned System Integrity Policy', *options))
    return f'''<?xml version="1.0" encoding="utf-8"?>
<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy" PolicyType="{kind}">
  <VersionEx>1.0.0.0</VersionEx>
  <PolicyID>{policy_id}</PolicyID>
  <BasePolicyID>{base_id}</BasePolicyID>
  <PlatformID>{{2E07F7E4-194C-4D20-B7C9-6F44A6C5A234}}</PlatformID>
  <Rules>{rules}</Rules>
  <EKUs />
  <FileRules>{file_rules}</FileRules>
  <Signers />
  <SigningScenarios>
    <SigningScenario Value="131" ID="ID_SIGNINGSCENARIO_K" FriendlyName="k"><ProductSigners>{kernel}</ProductSigners></SigningScenario>
    <SigningScenario Value="12" ID="ID_SIGNINGSCENARIO_U" FriendlyName="u"><ProductSigners>{user}</ProductSigners></SigningScenario>
  </SigningScenarios>
  <UpdatePolicySigners />
  <CiSigners />
  <HvciOptions>0</HvciOptions>
</SiPolicy>
'''.encode()


def refs(*ids):
    return '<FileRulesRef>' + ''.join(f'<FileRuleRef RuleID="{i}" />' for i in ids) + \
        '</FileRulesRef>'
