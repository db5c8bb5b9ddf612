"""The command-line conventions: --help, --version, exit codes for usage errors, tbs-hash."""
import os
import re
import subprocess
import unittest

from pki import Pki
from support import CliTest, run


class CliBasicsTest(CliTest):
    def test_version(self):
        r = run('--version')
        self.assertExit(r, 0)
        self.assertRegex(r.out, r'^cipolicy \d+\.\d+\.\d+ \(commit ([0-9a-f]{40}|unknown)\)\n$')

    def test_version_is_the_cmake_project_version_and_the_commit(self):
        # Declared once: project(cipolicy VERSION ...) in CMakeLists.txt; the commit is git's HEAD.
        root = os.path.join(os.path.dirname(__file__), '..', '..')
        cmake = open(os.path.join(root, 'CMakeLists.txt'), encoding='utf-8').read()
        declared = re.search(r'project\(cipolicy VERSION (\S+)', cmake).group(1)
        version, commit = re.match(r'^cipolicy (\S+) \(commit (\S+)\)', run('--version').out).groups()
        self.assertEqual(version, declared)
        head = subprocess.run(['git', '-C', root, 'rev-parse', 'HEAD'], capture_output=True, text=True)
        if head.returncode != 0:
            self.skipTest('the sources are not a git checkout')
        self.assertEqual(commit, head.stdout.strip())

    def test_help_lists_commands(self):
        r = run('--help')
        self.assertExit(r, 0)
        for command in ('sign', 'verify', 'inspect', 'tbs-hash', 'dev-pki', 'new-policy'):
            self.assertIn(command, r.out)
            h = run(command, '--help')
            self.assertExit(h, 0)
            self.assertIn('Usage: cipolicy ' + command, h.out)
            self.assertIn('--json', h.out)

    def test_no_arguments_is_usage_error(self):
        self.assertExit(run(), 2)

    def test_unknown_command(self):
        self.assertExit(run('frobnicate'), 2, "unknown command 'frobnicate'")

    def test_unknown_option(self):
        self.assertExit(run('verify', 'x.cip', '--frob'), 2, "see 'cipolicy verify --help'")

    def test_tbs_hash_matches_an_independent_computation(self):
        pki = Pki(self.path('pki'))
        r = run('tbs-hash', pki.chain_pem, '--json')
        self.assertExit(r, 0)
        got = {e['subject']: e['tbsHash'] for e in r.json()}
        self.assertEqual(got['CN=Test Root'], pki.tbs_hash(pki.root))
        self.assertEqual(got['CN=Test Intermediate'], pki.tbs_hash(pki.intermediate))
        text = run('tbs-hash', pki.root_der)
        self.assertTrue(text.out.startswith(pki.tbs_hash(pki.root) + '  sha256'))

    def test_quiet_prints_nothing_on_success(self):
        pki = Pki(self.path('pki'))
        r = run('new-policy', '--update-signer', pki.root_der, '-o', self.path('p.bin'), '--quiet')
        self.assertExit(r, 0)
        self.assertEqual(r.out, '')

    def test_dev_pki_and_new_policy_sign_and_verify(self):
        self.assertExit(run('dev-pki', '--out-dir', self.path('dev')), 0)
        p = self.path('policy.bin')
        self.assertExit(run('new-policy', '--update-signer', self.path('dev', 'root.cer'), '-o', p), 0)
        r = run('sign', p, '--cert', self.path('dev', 'signer.pem'), '--key',
                self.path('dev', 'signer.key'), '--chain', self.path('dev', 'chain.pem'),
                '-o', self.path('signed.cip'))
        self.assertExit(r, 0)
        v = run('verify', self.path('signed.cip'), '--root', self.path('dev', 'root.pem'), '--json')
        self.assertExit(v, 0)
        self.assertIn('RSA-3072', str(v.json()))

    def test_non_ascii_file_names_and_folders(self):
        # Names a Windows user may have: umlauts, CJK, spaces. Under Wine the exe gets them through
        # the UTF-16 command line and must open and create exactly these files.
        folder = self.path('Richtlinien für Büro 日本')
        pki = Pki(os.path.join(folder, 'schlüssel'))
        policy = os.path.join(folder, 'Basis-Richtlinie ü.bin')
        self.assertExit(run('new-policy', '--update-signer', pki.root_der, '-o', policy), 0)
        self.assertTrue(os.path.isfile(policy))
        signed_dir = os.path.join(folder, 'signiert ✓')
        r = run('sign', policy, '--cert', pki.leaf_pem, '--key', pki.key_pem, '--chain',
                pki.chain_pem, '--output-dir', signed_dir, '--json')
        self.assertExit(r, 0)
        [signed] = os.listdir(signed_dir)
        self.assertTrue(signed.endswith('.cip'))
        self.assertIn('signiert ✓', r.json()[0]['output'])
        v = run('verify', os.path.join(signed_dir, signed), '--root', pki.root_pem)
        self.assertExit(v, 0)
        self.assertIn('signiert ✓', v.out)


if __name__ == '__main__':
    unittest.main(verbosity=2)
