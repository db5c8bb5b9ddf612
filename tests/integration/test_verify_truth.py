"""Issue 25: `verify` says what Windows would do, and `sign` makes files Windows can match.

Windows matches a policy's signer rules only against the certificates the signature carries (it
has no --root); it loads a supplemental only when its base has option 17; it applies no validity
dates to a policy's signature (docs/verify.md)."""
import os
import re
import shutil
import struct
import unittest

from cryptography.hazmat.primitives.serialization import Encoding

from pki import Pki
from support import CliTest, openssl, run, shared_dir

TEMPLATES = os.path.join(os.path.dirname(__file__), '..', '..', 'templates', 'policy')


def carried_subjects(path):
    certs = openssl('pkcs7', '-inform', 'DER', '-in', path, '-print_certs', '-noout').stdout.decode()
    return sorted(re.findall(r'subject=.*CN ?= ?(.*)', certs))


class CarriedRootTest(CliTest):
    """Item 1: a file cipolicy signed verifies without --root."""

    def setUp(self):
        super().setUp()
        self.pki = Pki(self.path('pki'))
        self.policy = self.path('policy.bin')
        self.assertExit(run('new-policy', '--update-signer', self.pki.root_der, '-o', self.policy), 0)
        # The chain file without its root: what an enterprise CA's PFX or bundle often holds.
        self.no_root = self.write(self.path('intermediate.pem'), self.pki.intermediate.public_bytes(Encoding.PEM))

    def sign(self, *extra, out=None):
        out = out or self.path('signed.cip')
        return run('sign', self.policy, '--cert', self.pki.leaf_pem, '--key', self.pki.key_pem,
                   '-o', out, *extra), out

    def test_policy_naming_the_root_carries_it_and_verifies_without_root(self):
        r, out = self.sign('--chain', self.pki.chain_pem)
        self.assertExit(r, 0)
        self.assertEqual(carried_subjects(out), ['Test Intermediate', 'Test Root', 'Test Signer'])
        v = run('verify', out)
        self.assertExit(v, 0, 'valid')
        self.assertIn('which the file carries', run('verify', out, '--verbose').out)
        # --root only adds "and it is the root I expect".
        self.assertExit(run('verify', out, '--root', self.pki.root_pem), 0)
        other = Pki(self.path('other'), prefix='Other')
        self.assertExit(run('verify', out, '--root', other.root_pem), 11, 'does not reach')

    def test_policy_naming_the_leaf_keeps_signtools_certificate_set(self):
        leaf_policy = self.path('leaf.bin')
        leaf_der = self.path('leaf.cer')
        self.write(leaf_der, self.pki.leaf.public_bytes(Encoding.DER))
        self.assertExit(run('new-policy', '--update-signer', leaf_der, '-o', leaf_policy), 0)
        out = self.path('leaf.cip')
        r = run('sign', leaf_policy, '--cert', self.pki.leaf_pem, '--key', self.pki.key_pem,
                '--chain', self.pki.chain_pem, '-o', out)
        self.assertExit(r, 0)
        self.assertEqual(carried_subjects(out), ['Test Intermediate', 'Test Signer'])
        self.assertExit(run('verify', out), 0)

    def test_chain_below_the_root_is_refused_with_the_fix(self):
        r, out = self.sign('--chain', self.no_root)
        self.assertExit(r, 5, '--root')
        self.assertIn("missing issuer 'CN=Test Root'", r.err)
        self.assertFalse(os.path.exists(out))
        r, out = self.sign('--chain', self.no_root, '--root', self.pki.root_der)
        self.assertExit(r, 0)
        self.assertIn('Test Root', carried_subjects(out))
        self.assertExit(run('verify', out), 0)

    def test_a_file_leaving_out_the_named_root_is_never_exit_12(self):
        # What signtool writes for this policy: leaf and intermediate. Windows cannot see the root.
        r, out = self.sign('--chain', self.no_root, '--allow-unauthorized-signer')
        self.assertExit(r, 0)
        self.assertEqual(carried_subjects(out), ['Test Intermediate', 'Test Signer'])
        v = run('verify', out)
        self.assertExit(v, 11, 'stops below its root')
        self.assertIn('--root ROOT.cer', v.out)
        # --root names the root, but cannot make the file valid: Windows has no --root.
        v = run('verify', out, '--root', self.pki.root_pem)
        self.assertExit(v, 11, "names 'Test Root', which this file does not carry")

    def test_a_policy_naming_no_certificate_of_a_known_chain_is_exit_12(self):
        stranger = Pki(self.path('stranger'), prefix='Stranger')
        out = self.path('stranger.cip')
        r = run('sign', self.policy, '--cert', stranger.leaf_pem, '--key', stranger.key_pem,
                '--chain', stranger.chain_pem, '-o', out, '--allow-unauthorized-signer')
        self.assertExit(r, 0)
        self.assertExit(run('verify', out, '--root', stranger.root_pem), 12,
                        'none of the 1 UpdatePolicySigners matches')


class SupplementalBaseOptionTest(CliTest):
    """Item 2: a base without option 17 makes Windows ignore every supplemental."""

    def make(self, name, template, signer_args, remove=()):
        xml = self.path(name + '.xml')
        shutil.copy(os.path.join(TEMPLATES, template), xml)
        self.assertExit(run('add-signer', xml, '--cert', self.pki.root_der, *signer_args), 0)
        for option in remove:
            self.assertExit(run('set-option', xml, '--remove', option), 0)
        binary = self.path(name + '.bin')
        self.assertExit(run('compile', xml, '-o', binary), 0)
        out = self.path(name + '.cip')
        self.assertExit(run('sign', binary, '--cert', self.pki.leaf_pem, '--key', self.pki.key_pem,
                            '--chain', self.pki.chain_pem, '-o', out), 0)
        return out

    def setUp(self):
        super().setUp()
        self.pki = Pki(self.path('pki'))
        self.supplemental = self.make('supplemental', 'SignableSupplemental.xml', ['--update'])

    def test_base_with_option_17_is_valid(self):
        base = self.make('base', 'SignableBase.xml', ['--update', '--supplemental'])
        self.assertExit(run('verify', self.supplemental, '--base', base), 0, 'valid')

    def test_base_without_option_17_is_not_valid(self):
        base = self.make('base', 'SignableBase.xml', ['--update', '--supplemental'], remove=['17'])
        r = run('verify', self.supplemental, '--base', base, '--json')
        self.assertExit(r, 12)
        checks = {f['check']: f for f in r.json()[0]['findings']}
        self.assertEqual(checks['allow-supplemental']['status'], 'fail')
        message = checks['allow-supplemental']['message']
        self.assertIn("option 17 'Enabled:Allow Supplemental Policies'", message)
        self.assertIn('cipolicy set-option BASE.xml --add 17', message)
        # The build's check (verify --config) goes through the same code.
        cfg = self.write(self.path('cipolicy.yaml'),
                         f'local:\n  cert: "{self.pki.leaf_pem}"\n  key: "{self.pki.key_pem}"\n'
                         f'  chain: "{self.pki.chain_pem}"\n'.encode())
        self.assertExit(run('verify', self.supplemental, '--base', base, '--config', cfg), 12,
                        'set-option BASE.xml --add 17')


class UnsignedOptionTest(CliTest):
    """Item 4: option 6 is refused for the true reason: the signature would not protect it."""

    def test_refusal_and_verify_say_the_signature_does_not_protect_it(self):
        pki = Pki(self.path('pki'))
        policy = self.path('policy.bin')
        self.assertExit(run('new-policy', '--update-signer', pki.root_der, '-o', policy), 0)
        data = bytearray(self.read(policy))
        word, = struct.unpack_from('<I', data, 0x24)
        struct.pack_into('<I', data, 0x24, word | 0x80000)
        unsigned = self.write(self.path('unsigned.bin'), bytes(data))
        key = ['--cert', pki.leaf_pem, '--key', pki.key_pem, '--chain', pki.chain_pem]
        r = run('sign', unsigned, *key, '-o', self.path('o.cip'))
        self.assertExit(r, 5, 'signature does not protect it')
        self.assertNotIn('Windows will not accept', r.err)
        r = run('sign', unsigned, *key, '-o', self.path('o.cip'), '--allow-unsigned-option')
        self.assertExit(r, 0, 'its signature will not protect it')
        self.assertNotIn('Windows will not accept', r.err)
        # Windows loads it: verify warns, it does not call the file rejected.
        v = run('verify', self.path('o.cip'), '--json')
        self.assertExit(v, 0)
        checks = {f['check']: f for f in v.json()[0]['findings']}
        self.assertEqual(checks['unsigned-option']['status'], 'warn')
        self.assertIn('Windows loads it', checks['unsigned-option']['message'])


class ValidityDatesTest(CliTest):
    """Item 3: Windows applies no validity dates to a policy's signature."""

    def test_expired_microsoft_signer_is_not_a_failure(self):
        # Windows' own driver policy: signer valid 2017-08-11 .. 2018-08-11, no timestamp.
        if not shared_dir():
            self.skipTest('../shared is absent')
        f = os.path.join(shared_dir(), 'oracles', 'signed', 'HBKmon_driversipolicy.p7b')
        r = run('verify', f, '--json')
        checks = {x['check']: x for x in r.json()[0]['findings']}
        self.assertEqual(checks['validity']['status'], 'info')
        self.assertIn('expired on 2018-08-11', checks['validity']['message'])
        self.assertIn('Windows does not apply validity dates', checks['validity']['message'])
        self.assertFalse([x for x in r.json()[0]['findings']
                          if x['area'] in ('timestamp', 'chain') and x['status'] == 'fail'])

    def test_docs_and_warning_agree(self):
        root = os.path.join(os.path.dirname(__file__), '..', '..')
        for doc in ('docs/timestamping.md', 'docs/verify.md', 'docs/build-integration.md'):
            with open(os.path.join(root, doc), encoding='utf-8') as f:
                self.assertNotIn('stops validating', f.read(), doc)


if __name__ == '__main__':
    unittest.main(verbosity=2)
