"""Signing as users meet it: a PFX or --chain without its root, encrypted keys that must never
prompt, legacy PFX files, and secrets that are never echoed. Outputs are checked with
`openssl cms -verify`; every stream is searched for every password used."""
import os
import subprocess
import time
import unittest

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from pki import Pki
from support import EXE, CliTest, openssl, run, skip_under_wine

PASSWORDS = ['Hunter2-pw-xyz', 'Wr0ng-pw-abc', 'Secr3t!', 'Legacy-pw-777']


class FlowTest(CliTest):
    def setUp(self):
        super().setUp()
        self.pki = Pki(self.path('pki'))
        self.policy = self.path('policy.bin')
        self.assertExit(run('new-policy', '--update-signer', self.pki.root_der, '-o', self.policy), 0)
        self.intermediate_pem = self.write(self.path('pki', 'intermediate.pem'),
                                           self.pki.intermediate.public_bytes(serialization.Encoding.PEM))

    def no_secret(self, r):
        for secret in PASSWORDS:
            self.assertNotIn(secret, r.out + r.err, f'{secret} echoed: {r!r}')

    def pfx_without_root(self, name='noroot.pfx', password='Hunter2-pw-xyz', encryption=None):
        data = pkcs12.serialize_key_and_certificates(
            b'signer', self.pki.leaf_key, self.pki.leaf, [self.pki.intermediate],
            encryption or serialization.BestAvailableEncryption(password.encode()))
        return self.write(self.path(name), data)

    def sign_pfx(self, pfx, password, out, **env):
        """`sign` with --pfx and its password in the variable PW."""
        return run('sign', self.policy, '--pfx', pfx, '--pfx-password-env', 'PW', '-o', out,
                   env={'PW': password, **env})

    def cms_verifies(self, signed):
        v = openssl('cms', '-verify', '-binary', '-inform', 'DER', '-in', signed, '-purpose', 'any',
                    '-CAfile', self.pki.root_pem, '-out', self.path('content.bin'))
        self.assertEqual(v.returncode, 0, v.stderr)
        self.assertEqual(self.read(self.path('content.bin')), self.read(self.policy))


class ChainWithoutRootTest(FlowTest):
    """Item 1: the policy authorizes the root, which the PFX / --chain does not carry."""

    # Windows matches signer rules only against the certificates the file carries (it has no
    # --root): a file without the root the policy names would never load, so it is refused with
    # the fix (docs/verify.md).
    def test_pfx_without_root_is_refused_naming_the_issuer_and_the_fix(self):
        pfx = self.pfx_without_root()
        out = self.path('signed.cip')
        r = self.sign_pfx(pfx, 'Hunter2-pw-xyz', out)
        self.assertExit(r, 5)
        errors = [l for l in r.err.splitlines() if 'error' in l]
        self.assertEqual(len(errors), 1, r.err)
        self.assertIn("issuer 'CN=Test Root'", errors[0])
        self.assertIn('--root ROOT.cer', errors[0])
        self.no_secret(r)
        self.assertFalse(os.path.exists(out))

    def test_chain_without_root_overridden_gives_a_file_verify_calls_unanchored(self):
        out = self.path('signed.cip')
        r = run('sign', self.policy, '--cert', self.pki.leaf_pem, '--key', self.pki.key_pem,
                '--chain', self.intermediate_pem, '-o', out, '--json',
                '--allow-unauthorized-signer')
        self.assertExit(r, 0)
        self.assertIn('stops below its root', r.json()[0]['warnings'][0])
        self.cms_verifies(out)
        self.assertExit(run('verify', out, '--root', self.pki.root_pem), 11, 'does not carry')

    def test_root_option_makes_the_check_complete_and_decisive(self):
        out = self.path('signed.cip')
        r = run('sign', self.policy, '--cert', self.pki.leaf_pem, '--key', self.pki.key_pem,
                '--chain', self.intermediate_pem, '--root', self.pki.root_der, '-o', out)
        self.assertExit(r, 0)
        self.assertNotIn('warning', r.err)
        self.cms_verifies(out)
        self.assertExit(run('verify', out), 0)  # the root the policy names is in the file
        # A policy naming another root is refused once the chain is complete.
        stranger = Pki(self.path('stranger'), prefix='Stranger')
        other = self.path('other.bin')
        self.assertExit(run('new-policy', '--update-signer', stranger.root_der, '-o', other), 0)
        refused = self.path('refused.cip')
        r = run('sign', other, '--cert', self.pki.leaf_pem, '--key', self.pki.key_pem,
                '--chain', self.intermediate_pem, '--root', self.pki.root_pem, '-o', refused)
        self.assertExit(r, 5, 'none of the 1 UpdatePolicySigners')
        self.assertFalse(os.path.exists(refused))
        # Without --root nothing the file would carry is named: refused too, with the fix.
        r = run('sign', other, '--cert', self.pki.leaf_pem, '--key', self.pki.key_pem,
                '--chain', self.intermediate_pem, '-o', refused)
        self.assertExit(r, 5, '--root ROOT.cer')
        self.assertFalse(os.path.exists(refused))

    def test_root_from_config_and_environment(self):
        cfg = self.write(self.path('cipolicy.yaml'),
                         b'local:\n  cert: pki/signer.pem\n  key: pki/signer.key\n'
                         b'  chain: pki/intermediate.pem\n  root: pki/root.pem\n')
        r = run('sign', self.policy, '--config', cfg, '-o', self.path('a.cip'), '-v')
        self.assertExit(r, 0)
        self.assertNotIn('warning', r.err)
        self.assertIn("root given: 'Test Root'", r.err)
        r = run('sign', self.policy, '--cert', self.pki.leaf_pem, '--key', self.pki.key_pem,
                '--chain', self.intermediate_pem, '-o', self.path('b.cip'),
                env={'CIPOLICY_ROOT': self.pki.root_pem})
        self.assertExit(r, 0)
        self.assertNotIn('warning', r.err)

    def test_root_that_is_not_the_issuer_is_refused(self):
        stranger = Pki(self.path('stranger'), prefix='Stranger')
        out = self.path('signed.cip')
        r = run('sign', self.policy, '--cert', self.pki.leaf_pem, '--key', self.pki.key_pem,
                '--chain', self.intermediate_pem, '--root', stranger.root_pem, '-o', out)
        self.assertExit(r, 4, 'does not reach the given root')
        self.assertFalse(os.path.exists(out))

    def test_complete_chain_naming_nothing_is_still_refused(self):
        stranger = Pki(self.path('stranger'), prefix='Stranger')
        out = self.path('signed.cip')
        r = run('sign', self.policy, '--cert', stranger.leaf_pem, '--key', stranger.key_pem,
                '--chain', stranger.chain_pem, '-o', out)
        self.assertExit(r, 5, 'cipolicy add-signer')
        self.assertFalse(os.path.exists(out))


class EncryptedKeyTest(FlowTest):
    """Item 2: an encrypted --key never prompts; its password only comes from -env / -file."""

    def setUp(self):
        super().setUp()
        self.enc_key = self.write(self.path('enc.key'), self.pki.leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b'Hunter2-pw-xyz')))
        self.out = self.path('signed.cip')
        self.args = [EXE, 'sign', self.policy, '--cert', self.pki.leaf_pem, '--key', self.enc_key,
                     '--chain', self.pki.chain_pem, '-o', self.out]

    def check_fast_failure(self, proc_output, code, started):
        self.assertLess(time.monotonic() - started, 10, 'waited for input')
        self.assertIn('enc.key is encrypted: give its password with --key-password-env VAR or '
                      '--key-password-file FILE', proc_output)
        self.assertNotIn('pass phrase', proc_output.lower())
        self.assertEqual(code, 2, proc_output)
        self.assertFalse(os.path.exists(self.out))

    def test_under_a_terminal_it_fails_at_once(self):
        command = ' '.join(f"'{a}'" for a in self.args)
        started = time.monotonic()
        p = subprocess.run(['script', '-qec', command, '/dev/null'], capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=30)
        self.check_fast_failure(p.stdout.decode(errors='replace') + p.stderr.decode(errors='replace'),
                                p.returncode, started)

    def test_with_closed_stdin_it_fails_at_once(self):
        started = time.monotonic()
        p = subprocess.run(['bash', '-c', '"$@" <&-', 'bash', *self.args], capture_output=True,
                           timeout=30)
        self.check_fast_failure(p.stderr.decode(errors='replace'), p.returncode, started)

    def test_password_from_environment_or_file(self):
        r = run(*self.args[1:], '--key-password-env', 'KEYPW', env={'KEYPW': 'Hunter2-pw-xyz'})
        self.assertExit(r, 0)
        self.cms_verifies(self.out)
        pw = self.write(self.path('pw.txt'), b'Hunter2-pw-xyz\n')
        out2 = self.path('second.cip')
        args = self.args[1:-1] + [out2]
        self.assertExit(run(*args, '--key-password-file', pw), 0)
        self.assertEqual(self.read(self.out), self.read(out2))
        self.no_secret(r)

    def test_wrong_password_is_told_apart(self):
        r = run(*self.args[1:], '--key-password-env', 'KEYPW', env={'KEYPW': 'Wr0ng-pw-abc'})
        self.assertExit(r, 4, 'enc.key: cannot decrypt the private key: wrong password')
        self.assertFalse(os.path.exists(self.out))
        self.no_secret(r)

    def test_encrypted_der_key(self):
        der = self.write(self.path('enc.der'), self.pki.leaf_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b'Hunter2-pw-xyz')))
        args = self.args[1:]
        args[args.index(self.enc_key)] = der
        self.assertExit(run(*args), 2, 'enc.der is encrypted')
        self.assertExit(run(*args, '--key-password-env', 'KEYPW', env={'KEYPW': 'Hunter2-pw-xyz'}), 0)


class LegacyPfxTest(FlowTest):
    """Item 3: RC2-40/3DES PFX files open through OpenSSL's legacy provider, loaded only then."""

    def legacy_pfx(self):
        out = self.path('legacy.pfx')
        p = openssl('pkcs12', '-export', '-legacy', '-in', self.pki.leaf_pem, '-inkey',
                    self.pki.key_pem, '-certfile', self.pki.chain_pem, '-passout',
                    'pass:Legacy-pw-777', '-out', out)
        if p.returncode != 0:
            self.skipTest('openssl cannot write a legacy PFX here: ' + p.stderr.decode())
        dump = openssl('pkcs12', '-info', '-noout', '-legacy', '-in', out, '-passin',
                       'pass:Legacy-pw-777')
        self.assertIn('RC2', dump.stderr.decode() + dump.stdout.decode())
        return out

    def test_legacy_pfx_signs(self):
        pfx = self.legacy_pfx()
        out = self.path('signed.cip')
        r = self.sign_pfx(pfx, 'Legacy-pw-777', out)
        self.assertExit(r, 0)
        self.cms_verifies(out)
        self.no_secret(r)

    @skip_under_wine('the Windows exe has the legacy provider built into its static OpenSSL '
                     '(no loadable modules), so it can never be missing there')
    def test_missing_legacy_provider_says_how_to_re_export(self):
        pfx = self.legacy_pfx()
        out = self.path('signed.cip')
        empty = self.path('no-modules')
        os.makedirs(empty)
        r = self.sign_pfx(pfx, 'Legacy-pw-777', out, OPENSSL_MODULES=empty)
        self.assertExit(r, 4, 'legacy provider is not available')
        self.assertIn('re-export the PFX with AES-256', r.err)
        self.assertFalse(os.path.exists(out))
        self.no_secret(r)
        # A modern PFX does not need the provider at all.
        modern = self.pki.write_pfx('modern.pfx', 'Hunter2-pw-xyz')
        r = self.sign_pfx(modern, 'Hunter2-pw-xyz', out, OPENSSL_MODULES=empty)
        self.assertExit(r, 0)

    def test_wrong_password_missing_password_and_algorithm_are_told_apart(self):
        pfx = self.legacy_pfx()
        out = self.path('signed.cip')
        r = self.sign_pfx(pfx, 'Wr0ng-pw-abc', out)
        self.assertExit(r, 4, 'legacy.pfx: cannot open the PFX: wrong password')
        self.no_secret(r)
        r = run('sign', self.policy, '--pfx', pfx, '-o', out)
        self.assertExit(r, 2, 'legacy.pfx is protected by a password: give it with '
                              '--pfx-password-env VAR or --pfx-password-file FILE')
        self.assertFalse(os.path.exists(out))

    def test_pfx_without_password(self):
        pfx = self.pfx_without_root('open.pfx', encryption=serialization.NoEncryption())
        r = run('sign', self.policy, '--pfx', pfx, '--chain', self.pki.chain_pem, '-o',
                self.path('signed.cip'))
        self.assertExit(r, 0)
        self.assertNotIn('warning', r.err)  # --chain with --pfx supplies the root


class SecretsNeverEchoedTest(FlowTest):
    """Item 4."""

    def test_password_given_as_variable_name_is_not_repeated(self):
        pfx = self.pki.write_pfx('x.pfx', 'Hunter2-pw-xyz')
        for option in ('--pfx-password-env', '--key-password-env'):
            args = ['--pfx', pfx] if option.startswith('--pfx') else [
                '--cert', self.pki.leaf_pem, '--key', self.pki.key_pem]
            r = run('sign', self.policy, *args, option, 'Secr3t!', '-o', self.path('o.cip'))
            self.assertExit(r, 2, option + ' takes the name of an environment variable')
            self.no_secret(r)
            self.assertFalse(os.path.exists(self.path('o.cip')))

    def test_password_options_are_refused_without_echo(self):
        for arg in (['--pfx-password', 'Secr3t!'], ['--pfx-password=Secr3t!'],
                    ['--key-password', 'Secr3t!'], ['--access-token', 'Secr3t!']):
            r = run('sign', self.policy, '--pfx', self.path('x.pfx'), *arg)
            self.assertExit(r, 2, 'never taken on the command line')
            self.assertNotIn('ambiguous', r.err)
            self.no_secret(r)
        r = run('sign', self.policy, '--pfx-password', 'Secr3t!')
        self.assertIn('--pfx-password-env VAR or --pfx-password-file FILE', r.err)
        r = run('root-cert', '--access-token', 'Secr3t!')
        self.assertExit(r, 2, '--access-token-file FILE')
        self.no_secret(r)


if __name__ == '__main__':
    unittest.main(verbosity=2)
