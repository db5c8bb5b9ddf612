"""CIPolicyCheckPolicy (msbuild/build/CIPolicy.Check.targets) with the real `dotnet msbuild`: a
project whose output is a MinGW-built hello.exe fails its build when the policy would block it,
with the tool's canonical error naming the file and the rule; passes when the policy allows it
(and skips the check on a no-op build) or only audits it. Skipped (77) without dotnet or MinGW."""
import os
import shutil
import subprocess
import sys

from buildsupport import SKIP, SOURCE_DIR, BuildTest, Counter, main, run, touch

DOTNET = shutil.which('dotnet')
MINGW = shutil.which('x86_64-w64-mingw32-gcc')
TARGETS_DIR = os.path.join(SOURCE_DIR, 'msbuild', 'build') + os.sep
BASE_ID = '{11111111-2222-3333-4444-555555555555}'


def policy(options=(), file_rules='', refs=''):
    rules = ''.join(f'<Rule><Option>{o}</Option></Rule>'
                    for o in ('Enabled:Unsigned System Integrity Policy', 'Enabled:UMCI', *options))
    return f'''<?xml version="1.0" encoding="utf-8"?>
<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy" PolicyType="Base Policy">
  <VersionEx>1.0.0.0</VersionEx>
  <PolicyID>{BASE_ID}</PolicyID>
  <BasePolicyID>{BASE_ID}</BasePolicyID>
  <PlatformID>{{2E07F7E4-194C-4D20-B7C9-6F44A6C5A234}}</PlatformID>
  <Rules>{rules}</Rules>
  <EKUs />
  <FileRules>{file_rules}</FileRules>
  <Signers />
  <SigningScenarios>
    <SigningScenario Value="12" ID="ID_SIGNINGSCENARIO_U" FriendlyName="u"><ProductSigners><FileRulesRef>{refs}</FileRulesRef></ProductSigners></SigningScenario>
  </SigningScenarios>
  <UpdatePolicySigners />
  <CiSigners />
  <HvciOptions>0</HvciOptions>
</SiPolicy>
'''


ALLOW_ALL = policy(file_rules='<Allow ID="ID_ALLOW_ALL" FileName="*" />',
                   refs='<FileRuleRef RuleID="ID_ALLOW_ALL" />')
DENY_ALL = policy(file_rules='<Allow ID="ID_ALLOW_ALL" FileName="*" />'
                             '<Deny ID="ID_DENY_EVERYTHING" FileName="*" />',
                  refs='<FileRuleRef RuleID="ID_ALLOW_ALL" /><FileRuleRef RuleID="ID_DENY_EVERYTHING" />')

PROJECT = f'''<Project>
  <Import Project="{TARGETS_DIR}CIPolicy.Build.props" />
  <PropertyGroup>
    <TargetPath>$(MSBuildProjectDirectory)/hello.exe</TargetPath>
    <CIPolicyCheckPolicy>policy.xml</CIPolicyCheckPolicy>
  </PropertyGroup>
  <Target Name="Build" DependsOnTargets="$(BuildDependsOn)" />
  <Import Project="{TARGETS_DIR}CIPolicy.Build.targets" />
</Project>
'''


def msbuild(project, *args):
    return run([DOTNET, 'msbuild', project, '-nologo', '-v:n', '-nodeReuse:false', *args])


class MSBuildCheck(BuildTest):
    def setUp(self):
        super().setUp()
        if not MINGW:
            self.skipTest('x86_64-w64-mingw32-gcc is not installed')
        src = self.write(self.path('hello.c'),
                         '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n')
        subprocess.run([MINGW, '-O2', '-o', self.path('hello.exe'), src], check=True)
        self.proj = self.write(self.path('p.proj'), PROJECT)
        self.counter = Counter(self.dir)
        self.tool = '-p:CIPolicyToolPath=' + self.counter.path

    def test_allowed_output_passes_and_a_noop_build_skips_the_check(self):
        self.write(self.path('policy.xml'), ALLOW_ALL)
        self.ok(msbuild(self.proj, self.tool))
        self.assertEqual(len(self.counter.take('check')), 1)
        r = self.ok(msbuild(self.proj, self.tool))
        self.assertEqual(self.counter.take('check'), [], r.out)
        touch(self.path('hello.exe'))
        self.ok(msbuild(self.proj, self.tool))
        self.assertEqual(len(self.counter.take('check')), 1)

    def test_blocked_output_fails_with_the_file_and_the_rule(self):
        self.write(self.path('policy.xml'), DENY_ALL)
        r = self.fails(msbuild(self.proj, self.tool),
                       'hello.exe : error CIP1013: blocked: denied by ID_DENY_EVERYTHING')
        self.assertIn('error', r.out)

    def test_audit_mode_only_warns(self):
        self.write(self.path('policy.xml'), policy(options=('Enabled:Audit Mode',)))
        r = self.ok(msbuild(self.proj, self.tool))
        self.assertIn('warning CIP5014', r.out)

    def test_missing_policy_is_a_clear_error(self):
        r = self.fails(msbuild(self.proj, self.tool), 'CIP9102')
        self.assertIn('policy.xml', r.out)


if __name__ == '__main__':
    if not DOTNET:
        print('SKIPPED: dotnet is not installed (the MSBuild tests need `dotnet msbuild`)')
        sys.exit(SKIP)
    main()
