"""CIPolicyCheckPolicy (msbuild/build/CIPolicy.Check.targets) with the real `dotnet msbuild`: a
project whose output is a MinGW-built hello.exe fails its build when the policy would block it,
with the tool's canonical error naming the file and the rule; passes when the policy allows it
(and skips the check on a no-op build) or only audits it. Skipped (77) without dotnet or MinGW."""
import os
import shutil
import subprocess
import sys

# The policies the CLI tests write (tests/integration/check_policies.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'integration'))
from check_policies import policy_xml, refs  # noqa: E402

from buildsupport import SKIP, SOURCE_DIR, BuildTest, Counter, main, run, touch


def policy(options=(), file_rules='', user=''):
    """An enforced policy that checks user-mode files (Enabled:UMCI)."""
    return policy_xml(('Enabled:UMCI', *options), file_rules, user).decode()


DOTNET = shutil.which('dotnet')
MINGW = shutil.which('x86_64-w64-mingw32-gcc')
TARGETS_DIR = os.path.join(SOURCE_DIR, 'msbuild', 'build') + os.sep
ALLOW_ALL = policy(file_rules='<Allow ID="ID_ALLOW_ALL" FileName="*" />',
                   user=refs('ID_ALLOW_ALL'))
DENY_ALL = policy(file_rules='<Allow ID="ID_ALLOW_ALL" FileName="*" />'
                             '<Deny ID="ID_DENY_EVERYTHING" FileName="*" />',
                  user=refs('ID_ALLOW_ALL', 'ID_DENY_EVERYTHING'))

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
        r = self.fails(msbuild(self.proj, self.tool), 'CIP9302')
        self.assertIn('policy.xml', r.out)


if __name__ == '__main__':
    if not DOTNET:
        print('SKIPPED: dotnet is not installed (the MSBuild tests need `dotnet msbuild`)')
        sys.exit(SKIP)
    main()
