"""`cipolicy sign` with a key that stays on a PKCS#11 token: a SoftHSM2 token made for the test
(RSA-3072 generated on the token, its certificate issued by a test CA and written back), checked
with openssl cms -verify and cipolicy verify --root; wrong PIN, missing object, ECDSA key, locked
token, missing module; the PIN never in any output."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from cryptography.hazmat.primitives import serialization

import pki as pkimod
from support import WINE, CliTest, openssl, run

SOFTHSM = next((p for p in ('/usr/lib/softhsm/libsofthsm2.so',
                            '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so') if os.path.exists(p)),
               None)
LOCKING = os.environ.get('CIPOLICY_TEST_LOCKING_MODULE')
PIN, SO_PIN = '7351-token-pin', '9024-so-pin'
TOKEN = 'cipolicy-test'
URI = f'pkcs11:token={TOKEN};object=policy-signer'


class PublicKeyOnly:
    """What pki.issue needs of a key it certifies: the public half (the private one is on the token)."""

    def __init__(self, public):
        self._public = public

    def public_key(self):
        return self._public

    def private_bytes(self, *args):
        return b''  # pki.Pki writes signer.key; here it stays empty


def tool(*args, env):
    p = subprocess.run([*map(str, args)], capture_output=True, env=env)
    if p.returncode != 0:
        raise RuntimeError(f'{args[0]} failed: {p.stderr.decode(errors="replace")}')
    return p


@unittest.skipIf(WINE, 'SoftHSM2 is a Linux module (test_pkcs11_module.py tests cipolicy.exe)')
@unittest.skipUnless(SOFTHSM and shutil.which('softhsm2-util') and shutil.which('pkcs11-tool'),
                     'softhsm2 and opensc are not installed (scripts/install-deps.sh)')
class Pkcs11Test(CliTest):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='cipolicy-hsm-')
        os.makedirs(os.path.join(cls.tmp, 'tokens'))
        conf = os.path.join(cls.tmp, 'softhsm2.conf')
        with open(conf, 'w') as f:
            f.write(f'directories.tokendir = {cls.tmp}/tokens\nobjectstore.backend = file\n'
                    'log.level = ERROR\n')
        cls.env = dict(os.environ, SOFTHSM2_CONF=conf, CIPOLICY_TEST_PIN=PIN,
                       LOCKING_MODULE_INNER=SOFTHSM,
                       LOCKING_MODULE_STATE=os.path.join(cls.tmp, 'lock-state'))
        cls.env.pop('CIPOLICY_CONFIG', None)
        tool('softhsm2-util', '--init-token', '--free', '--label', TOKEN, '--pin', PIN,
             '--so-pin', SO_PIN, env=cls.env)
        p11 = ['pkcs11-tool', '--module', SOFTHSM, '--token-label', TOKEN, '--login', '--pin', PIN]
        # The key is made on the token and never leaves it; only its public half is read.
        tool(*p11, '--keypairgen', '--key-type', 'rsa:3072', '--id', '01', '--label',
             'policy-signer', env=cls.env)
        pub = os.path.join(cls.tmp, 'pub.der')
        tool(*p11, '--read-object', '--type', 'pubkey', '--id', '01', '-o', pub, env=cls.env)
        with open(pub, 'rb') as f:
            public = serialization.load_der_public_key(f.read())
        cls.pki = pkimod.Pki(os.path.join(cls.tmp, 'pki'), leaf_key=PublicKeyOnly(public))
        der = lambda c, n: cls.pki._write(n, c.public_bytes(serialization.Encoding.DER))
        cls.leaf_der = der(cls.pki.leaf, 'leaf.der')
        cls.intermediate_pem = cls.pki._write(
            'intermediate.pem', cls.pki.intermediate.public_bytes(serialization.Encoding.PEM))
        tool(*p11, '--write-object', cls.leaf_der, '--type', 'cert', '--id', '01', '--label',
             'policy-signer', env=cls.env)
        tool(*p11, '--write-object', der(cls.pki.intermediate, 'intermediate.der'), '--type',
             'cert', '--id', '02', '--label', 'intermediate', env=cls.env)
        tool(*p11, '--keypairgen', '--key-type', 'EC:prime256v1', '--id', '03', '--label', 'ec-key',
             env=cls.env)
        tool(*p11, '--keypairgen', '--key-type', 'rsa:2048', '--id', '04', '--label', 'no-cert',
             env=cls.env)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        super().setUp()
        state = self.env['LOCKING_MODULE_STATE']
        if os.path.exists(state):
            os.remove(state)
        self.policy = self.new_policy('policy.bin')

    def new_policy(self, name):
        out = self.path(name)
        self.assertExit(run('new-policy', '--update-signer', self.pki.root_der, '-o', out), 0)
        return out

    def cli(self, *args, env=None):
        # The policy names the root, which the token's chain stops below: sign carries it.
        if args and args[0] == 'sign' and '--root' not in args:
            args = (*args, '--root', self.pki.root_pem)
        r = run(*args, env=env or self.env)
        self.assertNotIn(PIN, r.out + r.err, 'the PIN leaked')
        return r

    def sign(self, *extra, uri=URI, module=SOFTHSM, output=None):
        output = output or self.path('signed.cip')
        r = self.cli('sign', self.policy, '--pkcs11-module', module, '--pkcs11-uri', uri, '-o',
                     output, *extra)
        return r, output

    def assertVerifies(self, signed, policy=None):
        content = self.path('content.bin')
        v = openssl('cms', '-verify', '-binary', '-inform', 'DER', '-in', signed, '-purpose', 'any',
                    '-CAfile', self.pki.root_pem, '-out', content)
        self.assertEqual(v.returncode, 0, v.stderr)
        self.assertEqual(self.read(content), self.read(policy or self.policy))
        self.assertExit(run('verify', signed, '--root', self.pki.root_der), 0)

    def assertRefused(self, r, code, text, output):
        self.assertExit(r, code, text)
        # One line says what failed (a warning about the loopback host may come before it).
        self.assertEqual(len([l for l in r.err.splitlines() if 'error' in l]), 1, r.err)
        self.assertFalse(os.path.exists(output), 'an output was written')

    def test_sign_with_certificate_and_chain_from_the_token(self):
        r, out = self.sign('--pin-env', 'CIPOLICY_TEST_PIN', '--verbose')
        self.assertExit(r, 0)
        self.assertVerifies(out)
        self.assertIn(f"PKCS#11 token \"{TOKEN}\", key \"policy-signer\"", r.err + r.out)
        # The intermediate came from the token: the file carries leaf and intermediate.
        certs = openssl('pkcs7', '-inform', 'DER', '-in', out, '-print_certs', '-noout')
        self.assertIn('Test Intermediate', certs.stdout.decode())

    def test_batch_with_pin_file_cert_and_chain_files_sha384(self):
        pin_file = self.write(self.path('pin.txt'), (PIN + '\n').encode())  # as editors save it
        policies = [self.policy] + [self.new_policy(f'p{i}.bin') for i in range(3)]
        outdir = self.path('out')
        r = self.cli('sign', *policies, '--pkcs11-module', SOFTHSM, '--pkcs11-uri',
                     f'pkcs11:token={TOKEN};id=%01', '--pin-file', pin_file, '--cert',
                     self.pki.leaf_pem, '--chain', self.intermediate_pem, '--digest', 'sha384',
                     '--output-dir', outdir)
        self.assertExit(r, 0)
        signed = sorted(os.listdir(outdir))
        self.assertEqual(len(signed), 4)
        by_input = {}
        for name in signed:
            content = self.path('c.bin')
            v = openssl('cms', '-verify', '-binary', '-inform', 'DER', '-in',
                        os.path.join(outdir, name), '-purpose', 'any', '-CAfile', self.pki.root_pem,
                        '-out', content)
            self.assertEqual(v.returncode, 0, v.stderr)
            by_input[self.read(content)] = name
            self.assertExit(run('verify', os.path.join(outdir, name), '--root', self.pki.root_der), 0)
        self.assertEqual(set(by_input), {self.read(p) for p in policies})

    def test_cipolicy_yaml_pkcs11_section(self):
        config = self.write(self.path('cipolicy.yaml'), (
            f'pkcs11:\n  module: {SOFTHSM}\n  uri: "{URI}"\n  pin-env: CIPOLICY_TEST_PIN\n').encode())
        out = self.path('signed.cip')
        r = self.cli('sign', self.policy, '--config', config, '-o', out)
        self.assertExit(r, 0)
        self.assertVerifies(out)

    def test_token_on_the_command_line_replaces_a_configured_local_key(self):
        other = pkimod.Pki(self.path('other'))
        config = self.write(self.path('cipolicy.yaml'), (
            f'local:\n  cert: {other.leaf_pem}\n  key: {other.key_pem}\n').encode())
        r, out = self.sign('--config', config, '--pin-env', 'CIPOLICY_TEST_PIN')
        self.assertExit(r, 0)
        self.assertVerifies(out)

    def test_wrong_pin(self):
        env = dict(self.env, CIPOLICY_TEST_PIN='0000-wrong')
        r = run('sign', self.policy, '--pkcs11-module', SOFTHSM, '--pkcs11-uri', URI, '--pin-env',
                'CIPOLICY_TEST_PIN', '-o', self.path('signed.cip'), env=env)
        self.assertRefused(r, 4, 'wrong PIN (CKR_PIN_INCORRECT)', self.path('signed.cip'))
        self.assertNotIn('0000-wrong', r.out + r.err)

    def test_missing_object(self):
        r, out = self.sign('--pin-env', 'CIPOLICY_TEST_PIN', uri=f'pkcs11:token={TOKEN};object=nope')
        self.assertRefused(r, 4, 'no private key matches', out)

    def test_missing_token(self):
        r, out = self.sign('--pin-env', 'CIPOLICY_TEST_PIN', uri='pkcs11:token=other;object=x')
        self.assertRefused(r, 4, f'no token matches', out)
        self.assertIn(TOKEN, r.err)  # the tokens present are listed

    def test_ecdsa_key_on_the_token(self):
        r, out = self.sign('--pin-env', 'CIPOLICY_TEST_PIN', uri=f'pkcs11:token={TOKEN};object=ec-key')
        self.assertRefused(r, 4, 'ECDSA keys are not supported', out)

    def test_key_without_certificate(self):
        r, out = self.sign('--pin-env', 'CIPOLICY_TEST_PIN', uri=f'pkcs11:token={TOKEN};object=no-cert')
        self.assertRefused(r, 4, 'no certificate with the key', out)

    def test_certificate_of_another_key(self):
        other = pkimod.Pki(self.path('other'))
        r, out = self.sign('--pin-env', 'CIPOLICY_TEST_PIN', '--cert', other.leaf_pem)
        self.assertRefused(r, 4, 'is not the key', out)

    def test_module_not_found(self):
        r, out = self.sign('--pin-env', 'CIPOLICY_TEST_PIN', module='/nonexistent/libpkcs11.so')
        self.assertRefused(r, 3, 'no such file', out)

    def test_not_a_module(self):
        r, out = self.sign('--pin-env', 'CIPOLICY_TEST_PIN', module=self.policy)
        self.assertRefused(r, 3, 'cannot be loaded', out)

    def test_no_pin(self):
        r, out = self.sign()
        self.assertRefused(r, 2, 'needs its user PIN', out)

    def test_pin_in_the_uri_is_refused_and_not_repeated(self):
        r, out = self.sign(uri=f'{URI};pin-value={PIN}')
        self.assertRefused(r, 2, 'carries a PIN', out)

    def test_pin_as_argument_is_refused(self):
        r, out = self.sign('--pin-env', PIN)
        self.assertRefused(r, 2, 'not a variable name', out)

    @unittest.skipUnless(LOCKING, 'the locking test module was not built')
    def test_locked_token(self):
        for hide_flag in ('0', '1'):
            state = self.env['LOCKING_MODULE_STATE']
            if os.path.exists(state):
                os.remove(state)
            env = dict(self.env, LOCKING_MODULE_HIDE_FLAG=hide_flag)
            wrong = dict(env, CIPOLICY_TEST_PIN='0000-wrong')
            out = self.path('signed.cip')
            args = ['sign', self.policy, '--pkcs11-module', LOCKING, '--pkcs11-uri', URI,
                    '--pin-env', 'CIPOLICY_TEST_PIN', '-o', out]
            first, second, third = (self.cli(*args, env=wrong) for _ in range(3))
            self.assertRefused(first, 4, 'wrong PIN', out)
            self.assertRefused(second, 4, 'one more wrong PIN locks the token', out)
            self.assertRefused(third, 4, 'wrong PIN', out)
            # Now even the right PIN is refused: the token is locked.
            r = self.cli(*args, env=env)
            self.assertRefused(r, 4, 'CKR_PIN_LOCKED' if hide_flag == '1' else 'is locked', out)
        # Through the wrapper with the right PIN, signing works (the wrapper is not the failure).
        os.remove(self.env['LOCKING_MODULE_STATE'])
        r = self.cli(*args, env=self.env)
        self.assertExit(r, 0)
        self.assertVerifies(out)


if __name__ == '__main__':
    unittest.main(verbosity=2)
