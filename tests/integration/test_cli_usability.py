"""Issue 25 items 6-8: messages say what a file is and which command takes it, no setting key
reaches a user, unknown names get a "did you mean", and --help is a page a person can read."""
import os
import re
import shutil
import unittest

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from pki import Pki
from support import CliTest, run

TEMPLATE = os.path.join(os.path.dirname(__file__), '..', '..', 'templates', 'policy',
                        'SignableBase.xml')
COMMANDS = ['sign', 'verify', 'timestamp', 'inspect', 'tbs-hash', 'dev-pki', 'new-policy',
            'compile', 'decompile', 'add-signer', 'set-option', 'set-version', 'set-id',
            'root-cert', 'eku', 'cert-chain']


class FileKindTest(CliTest):
    def setUp(self):
        super().setUp()
        self.pki = Pki(self.path('pki'))
        self.policy = self.path('policy.bin')
        self.assertExit(run('new-policy', '--update-signer', self.pki.root_der, '-o', self.policy), 0)
        self.key = ['--cert', self.pki.leaf_pem, '--key', self.pki.key_pem, '--chain',
                    self.pki.chain_pem]
        self.pfx = self.write(self.path('signer.pfx'), pkcs12.serialize_key_and_certificates(
            b'signer', self.pki.leaf_key, self.pki.leaf, None, serialization.NoEncryption()))
        self.key_der = self.write(self.path('signer.der'), self.pki.leaf_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        self.signed = self.path('signed.cip')
        self.assertExit(run('sign', self.policy, *self.key, '-o', self.signed), 0)

    def test_sign_names_a_certificate_key_or_pfx_given_as_the_policy(self):
        for f, kind, takes in ((self.pki.leaf_pem, 'a certificate', 'with --cert'),
                               (self.pki.root_der, 'a certificate', 'with --cert'),
                               (self.pki.key_pem, 'a private key', 'with --key'),
                               (self.key_der, 'a private key', 'with --key'),
                               (self.pfx, 'a PFX (PKCS#12) file', 'with --pfx')):
            r = run('sign', f, *self.key, '-o', self.path('out.cip'))
            self.assertExit(r, 3, f'this is {kind}, not a policy binary to sign')
            self.assertIn(takes, r.err)
            self.assertNotIn('format version', r.err)

    def test_compile_names_a_binary_or_signed_policy(self):
        r = run('compile', self.policy, '-o', self.path('x.bin'))
        self.assertExit(r, 3, 'this is an unsigned policy binary, not policy XML')
        self.assertIn('cipolicy sign signs it', r.err)
        self.assertNotIn('well-formed', r.err)
        r = run('compile', self.signed, '-o', self.path('x.bin'))
        self.assertExit(r, 3, 'this is a signed policy, not policy XML')
        r = run('set-option', self.pki.leaf_pem, '--add', '17')
        self.assertExit(r, 3, 'this is a certificate, not policy XML')

    def test_inspect_reads_policy_xml(self):
        xml = self.path('policy.xml')
        shutil.copy(TEMPLATE, xml)
        self.assertExit(run('add-signer', xml, '--cert', self.pki.root_der, '--update'), 0)
        r = run('inspect', xml, '--json')
        self.assertExit(r, 0)
        self.assertTrue(r.json()['xml'])
        self.assertEqual(r.json()['policy']['policyId'], '{5E1A6D2C-8B0F-4C1E-9F3A-2D7B4C6E8A10}')
        self.assertIn('(policy XML)', run('inspect', xml).out)

    def test_inspect_and_verify_name_keys(self):
        self.assertExit(run('inspect', self.pfx), 3, 'this is a PFX (PKCS#12) file')
        r = run('verify', self.pki.key_pem)
        self.assertExit(r, 1, 'a private key: cipolicy sign takes it with --key')


class SettingKeysTest(CliTest):
    def test_output_onto_input_names_flags(self):
        pki = Pki(self.path('pki'))
        policy = self.path('p.bin')
        self.assertExit(run('new-policy', '--update-signer', pki.root_der, '-o', policy), 0)
        r = run('sign', policy, '-o', policy, '--cert', pki.leaf_pem, '--key', pki.key_pem,
                '--chain', pki.chain_pem)
        self.assertNotEqual(r.code, 0)
        self.assertRegex(r.err, r'give another (-o|--output)\b')
        self.assertNotIn('sign.output', r.err)
        self.assertNotRegex(r.err, r'\b(sign|output|local|verify)\.[a-z]')


class DidYouMeanTest(CliTest):
    def test_rule_option_names(self):
        xml = self.path('policy.xml')
        shutil.copy(TEMPLATE, xml)
        r = run('set-option', xml, '--add', 'Enabled:Audit mode')
        self.assertExit(r, 2, "did you mean 'Enabled:Audit Mode'?")
        text = self.read(xml).replace(b'<Option>Enabled:Audit Mode</Option>',
                                      b'<Option>Enabled:Audit mode</Option>')
        self.write(xml, text)
        r = run('compile', xml, '-o', self.path('p.bin'))
        self.assertExit(r, 3, "did you mean 'Enabled:Audit Mode'?")

    def test_flags(self):
        r = run('sign', 'p.bin', '--outptu', 'x.cip')
        self.assertExit(r, 2, "did you mean '--output'?")


class HelpTest(CliTest):
    def test_every_command_starts_with_examples_and_fits_a_screen(self):
        for command in COMMANDS:
            r = run(command, '--help')
            self.assertExit(r, 0)
            lines = r.out.splitlines()
            self.assertLessEqual(len(lines), 45, f'{command}: {len(lines)} lines\n{r.out}')
            self.assertIn('Examples:', r.out, command)
            examples = [l for l in lines if l.startswith('  cipolicy ')]
            self.assertTrue(1 <= len(examples) <= 4, f'{command}: {examples}')
            self.assertLess(lines.index('Examples:'), 10, command)
            # Value names, never Boost's "arg", nor its "-o [ --output ]".
            self.assertNotRegex(r.out, r' arg\b', command)
            self.assertNotIn('[ --', r.out, command)
            self.assertTrue(all(len(l) <= 100 for l in lines), command)

    def test_sign_help_groups_the_common_path_and_keeps_the_rest_behind_help_all(self):
        r = run('sign', '--help')
        self.assertIn('Local key:', r.out)
        self.assertIn('--cert FILE', r.out)
        self.assertIn('-o, --output FILE', r.out)
        self.assertNotRegex(r.out, r'(?m)^\s+--pkcs11-uri')  # an option line; the summary names it
        self.assertIn('--help-all', r.out)
        full = run('sign', '--help-all')
        self.assertExit(full, 0)
        self.assertIn('--pkcs11-uri', full.out)
        self.assertIn('--timestamp-retries', full.out)
        self.assertNotIn('[ --', full.out)


if __name__ == '__main__':
    unittest.main(verbosity=2)
