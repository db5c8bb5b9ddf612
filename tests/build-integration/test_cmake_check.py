"""cipolicy_check(): a real CMake project cross-built with MinGW-w64 (the project's Windows
toolchain file) fails its build when the policy would block its executable, naming the file and
the rule in MSBuild's canonical form; passes when the policy allows it or only audits it; and does
not run the check again on a no-op build."""
import os
import shutil
import sys

# The policies the CLI tests write (tests/integration/check_policies.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'integration'))
from check_policies import policy_xml, refs  # noqa: E402

from buildsupport import EXE, SKIP, SOURCE_DIR, BuildTest, Counter, main, run, touch


def policy(options=(), file_rules='', user=''):
    """An enforced policy that checks user-mode files (Enabled:UMCI)."""
    return policy_xml(('Enabled:UMCI', *options), file_rules, user).decode()

MODULE = os.path.join(SOURCE_DIR, 'cmake-modules', 'CIPolicyCheck.cmake')
TOOLCHAIN = os.path.join(SOURCE_DIR, 'scripts', 'windows', 'toolchain-mingw64.cmake')
ALLOW_ALL = ('<Allow ID="ID_ALLOW_ALL" FileName="*" />',
             '<FileRulesRef><FileRuleRef RuleID="ID_ALLOW_ALL" /></FileRulesRef>')
DENY_ALL = ('<Allow ID="ID_ALLOW_ALL" FileName="*" /><Deny ID="ID_DENY_EVERYTHING" FileName="*" />',
            '<FileRulesRef><FileRuleRef RuleID="ID_ALLOW_ALL" />'
            '<FileRuleRef RuleID="ID_DENY_EVERYTHING" /></FileRulesRef>')


class CMakeCheck(BuildTest):
    def setUp(self):
        super().setUp()
        if not shutil.which('x86_64-w64-mingw32-gcc-posix') or not shutil.which('cmake'):
            self.skipTest('MinGW-w64 (posix) or cmake is not installed')
        self.src = self.path('src')
        self.counter = Counter(self.dir)
        self.write(os.path.join(self.src, 'hello.c'),
                   '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n')
        self.write(os.path.join(self.src, 'CMakeLists.txt'),
                   'cmake_minimum_required(VERSION 3.25)\nproject(t LANGUAGES C)\n'
                   f'include("{MODULE}")\n'
                   'add_executable(hello hello.c)\n'
                   'cipolicy_check(gate POLICY policy.xml TARGETS hello)\n')

    def configure(self, rules):
        self.write(os.path.join(self.src, 'policy.xml'), policy(file_rules=rules[0], user=rules[1])
                   if isinstance(rules, tuple) else rules)
        return self.ok(run(['cmake', '-S', self.src, '-B', self.path('build'), '-G', 'Ninja',
                            '-DCMAKE_TOOLCHAIN_FILE=' + TOOLCHAIN,
                            '-DCIPOLICY_EXECUTABLE=' + self.counter.path]))

    def build(self):
        return run(['cmake', '--build', self.path('build')])

    def test_allowed_output_builds_and_a_noop_build_does_not_check_again(self):
        self.configure(ALLOW_ALL)
        r = self.ok(self.build())
        self.assertEqual(len(self.counter.take('check')), 1, r)
        self.ok(self.build())
        self.assertEqual(self.counter.take('check'), [])
        # A changed policy is checked again.
        touch(os.path.join(self.src, 'policy.xml'))
        self.ok(self.build())
        self.assertEqual(len(self.counter.take('check')), 1)

    def test_blocked_output_fails_the_build_naming_file_and_rule(self):
        self.configure(DENY_ALL)
        r = self.fails(self.build(), 'hello.exe : error CIP1013: blocked: denied by '
                                     'ID_DENY_EVERYTHING')
        self.assertIn('explicit deny wins', r.out)
        # Still failing next time: the stamp is written only on success.
        self.fails(self.build(), 'ID_DENY_EVERYTHING')

    def test_no_allow_rule_fails_and_audit_mode_only_warns(self):
        self.configure(policy())
        self.fails(self.build(), 'error CIP1013: blocked: no allow rule matched')
        self.write(os.path.join(self.src, 'policy.xml'), policy(options=('Enabled:Audit Mode',)))
        r = self.ok(self.build())
        self.assertIn('hello.exe : warning CIP5014: runs only because the policy is in audit mode',
                      ' '.join(r.out.split()))

    def test_arguments_are_checked_at_configure_time(self):
        self.write(os.path.join(self.src, 'policy.xml'), policy())
        for body, message in (
                ('cipolicy_check(gate TARGETS hello)', 'POLICY is required'),
                ('cipolicy_check(gate POLICY policy.xml)', 'TARGETS (or FILES) is required'),
                ('cipolicy_check(gate POLICY nope.xml TARGETS hello)', 'nope.xml does not exist'),
                ('cipolicy_check(gate POLICY policy.xml TARGETS nothere)', "'nothere' is not a target"),
                ('cipolicy_check(gate POLICY policy.xml TARGETS hello BOGUS)', "'BOGUS' is not a target"),
                ('cipolicy_check(gate hello POLICY policy.xml TARGETS hello)', 'unknown argument')):
            with self.subTest(body=body):
                self.write(os.path.join(self.src, 'CMakeLists.txt'),
                           'cmake_minimum_required(VERSION 3.25)\nproject(t LANGUAGES C)\n'
                           f'include("{MODULE}")\nadd_executable(hello hello.c)\n{body}\n')
                shutil.rmtree(self.path('build'), ignore_errors=True)
                self.fails(run(['cmake', '-S', self.src, '-B', self.path('build'), '-G', 'Ninja',
                                '-DCMAKE_TOOLCHAIN_FILE=' + TOOLCHAIN,
                                '-DCIPOLICY_EXECUTABLE=' + self.counter.path]), message)


if __name__ == '__main__':
    main()
