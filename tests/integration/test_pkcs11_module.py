"""`cipolicy sign` through a PKCS#11 module on every platform: the soft token built for the tests
(soft_pkcs11_module.cpp; a DLL that cipolicy.exe loads with LoadLibrary under Wine, a .so that
cipolicy loads with dlopen on Linux) holds an RSA key and its certificates.

RSA PKCS#1 v1.5 is deterministic, so signing through the token must give the bytes that signing
with the same key from a file gives, and with the signtool oracle's key, signtool's own .p7b. The
failures a user meets (wrong PIN, missing module, a library that is not a PKCS#11 module, a URI
naming no token) are one line naming the module or the URI, with the documented exit code."""
import ctypes.util
import os
import unittest
import urllib.parse

from cryptography.hazmat.primitives import serialization

import pki as pkimod
from support import WINE, CliTest, native_path, openssl, run, shared_dir

MODULE = os.environ.get('CIPOLICY_TEST_SOFT_MODULE')
PIN = '4711-soft-pin'
TOKEN = 'cipolicy-soft'
URI = f'pkcs11:token={TOKEN};object=policy-signer'
INPUT, KEY = 3, 4


def signtool_oracle(*parts):
    shared = shared_dir()
    return os.path.join(shared, 'oracles', 'signtool', *parts) if shared else None


@unittest.skipUnless(MODULE, 'the soft token module was not built (CIPOLICY_PKCS11=OFF)')
class SoftTokenTest(CliTest):
    def setUp(self):
        super().setUp()
        self.log = self.path('module.log')
        self.pki = pkimod.Pki(self.path('pki'))

    def token(self, key_pem, certs_pem, label=TOKEN):
        """The environment that gives the soft token its key and certificates (native paths:
        the module opens them with the C runtime of the platform it runs on)."""
        return {'SOFT_TOKEN_KEY': native_path(key_pem), 'SOFT_TOKEN_CERTS': native_path(certs_pem),
                'SOFT_TOKEN_PIN': PIN, 'SOFT_TOKEN_LABEL': label,
                'SOFT_TOKEN_LOG': native_path(self.log), 'CIPOLICY_TEST_PIN': PIN}

    def pki_token(self):
        # The signer's certificate first, then the intermediate: the chain comes from the token.
        certs = self.write(self.path('token-certs.pem'),
                           self.read(self.pki.leaf_pem) + self.pki.intermediate.public_bytes(
                               serialization.Encoding.PEM))
        return self.token(self.pki.key_pem, certs)

    def new_policy(self):
        policy = self.path('policy.bin')
        self.assertExit(run('new-policy', '--update-signer', self.pki.root_der, '-o', policy), 0)
        return policy

    def sign(self, policy, env, *extra, module=None, uri=URI, out=None):
        out = out or self.path('signed.cip')
        module_args = [] if module == '' else ['--pkcs11-module', module or native_path(MODULE)]
        r = run('sign', policy, *module_args, '--pkcs11-uri', uri, '--pin-env', 'CIPOLICY_TEST_PIN',
                '-o', out, *extra, env=env)
        self.assertNotIn(PIN, r.out + r.err, 'the PIN leaked')
        return r, out

    def assertRefused(self, r, code, text, output):
        self.assertExit(r, code, text)
        self.assertEqual(len(r.err.strip().splitlines()), 1, r.err)
        self.assertFalse(os.path.exists(output), 'an output was written')

    def calls(self):
        return self.read(self.log).decode().split() if os.path.exists(self.log) else []

    def test_same_bytes_as_the_key_file(self):
        policy = self.new_policy()
        r, through_token = self.sign(policy, self.pki_token(), '--root', self.pki.root_pem)
        self.assertExit(r, 0)
        from_file = self.path('from-file.cip')
        r = run('sign', policy, '--cert', self.pki.leaf_pem, '--key', self.pki.key_pem, '--chain',
                self.pki.chain_pem, '-o', from_file)
        self.assertExit(r, 0)
        self.assertEqual(self.read(through_token), self.read(from_file))
        # Checked by an independent tool too.
        v = openssl('cms', '-verify', '-binary', '-inform', 'DER', '-in', through_token, '-purpose',
                    'any', '-CAfile', self.pki.root_pem, '-out', self.path('content'))
        self.assertEqual(v.returncode, 0, v.stderr)
        self.assertEqual(self.read(self.path('content')), self.read(policy))
        # The module was initialized with the OS's locking, logged in, signed, and finalized.
        calls = ' '.join(self.calls())
        self.assertRegex(calls, r'^C_Initialize os-locking C_Login ok C_Sign .*C_Finalize$')

    def test_module_path_in_the_uri(self):
        policy = self.new_policy()
        path = urllib.parse.quote(native_path(MODULE), safe='/:\\')
        r, out = self.sign(policy, self.pki_token(), '--root', self.pki.root_pem, module='',
                           uri=f'{URI}?module-path={path}')
        self.assertExit(r, 0)
        self.assertExit(run('verify', out, '--root', self.pki.root_der), 0)

    def signtool_token(self, pfx, cas=()):
        # The sample PKI's PFX (empty password) as PEM, by the openssl CLI.
        pfx = signtool_oracle('certs', pfx)
        part = lambda *a: openssl('pkcs12', '-in', pfx, '-passin', 'pass:', '-nodes', *a).stdout
        key_pem = self.write(self.path('oracle.key'), part('-nocerts'))
        pem = part('-clcerts', '-nokeys') + b''.join(
            openssl('x509', '-inform', 'DER', '-in', signtool_oracle('certs', c)).stdout
            for c in cas)
        return self.token(key_pem, self.write(self.path('oracle-certs.pem'), pem))

    def signtool_policy(self):
        if not shared_dir():
            self.skipTest('../shared (the signtool oracles) is absent')
        policy = self.path('iotkit.bin')
        r = run('compile', signtool_oracle('IoTKit2020b_DeviceGuard_Enforced.xml'),
                '--format-version', '7', '-o', policy)
        self.assertExit(r, 0)
        return policy

    def test_signs_as_signtool_with_the_contoso_kek(self):
        policy = self.signtool_policy()
        r, out = self.sign(policy, self.signtool_token('Contoso-KEK.pfx'))
        self.assertExit(r, 0)
        self.assertEqual(self.read(out),
                         self.read(signtool_oracle('IoTKit2020b_DeviceGuard_Enforced.p7b')))

    def test_signs_as_signtool_with_the_chain_from_the_token(self):
        policy = self.signtool_policy()
        r, out = self.sign(policy, self.signtool_token('OEM-PAUTH.pfx', ('OEM-CA.cer', 'OEM-PCA.cer')))
        self.assertExit(r, 0)
        self.assertEqual(
            self.read(out),
            self.read(signtool_oracle('IoTKit2020b_DeviceGuard_Enforced.OEM-PAUTH.p7b')))

    def test_wrong_pin(self):
        env = dict(self.pki_token(), CIPOLICY_TEST_PIN='0000-wrong')
        r, out = self.sign(self.new_policy(), env)
        self.assertRefused(r, KEY, f'PKCS#11 token "{TOKEN}": wrong PIN (CKR_PIN_INCORRECT)', out)
        self.assertNotIn('0000-wrong', r.out + r.err)
        self.assertIn('C_Finalize', self.calls())

    def test_missing_module(self):
        missing = native_path(self.path('no-such-module.dll'))
        r, out = self.sign(self.new_policy(), self.pki_token(), module=missing)
        self.assertRefused(r, INPUT, 'no such file', out)
        self.assertIn('no-such-module.dll', r.err)

    def test_a_library_that_is_not_a_pkcs11_module(self):
        # A real library of the platform, loaded fine, but without C_GetFunctionList.
        library = 'C:\\windows\\system32\\crypt32.dll' if WINE else ctypes.util.find_library('z')
        self.assertTrue(library)
        r, out = self.sign(self.new_policy(), self.pki_token(), module=library)
        self.assertRefused(r, INPUT, 'not a PKCS#11 module (it has no C_GetFunctionList)', out)
        self.assertIn(library.replace('\\', '\\\\'), r.err)

    def test_a_file_that_is_no_library(self):
        policy = self.new_policy()
        r, out = self.sign(policy, self.pki_token(), module=native_path(policy))
        self.assertRefused(r, INPUT, 'cannot be loaded', out)

    def test_uri_naming_no_token(self):
        uri = 'pkcs11:token=another-token;object=policy-signer'
        r, out = self.sign(self.new_policy(), self.pki_token(), uri=uri)
        self.assertRefused(r, KEY, 'no token matches', out)
        self.assertIn(f'"{uri}"', r.err)
        self.assertIn(f'tokens present: "{TOKEN}"', r.err)

    def test_every_token_attribute_of_the_uri_is_matched(self):
        # The module's, the slot's and the token's fields, compared as PKCS#11 pads them.
        fields = ('library-manufacturer=cipolicy%20tests;library-description=soft%20token;'
                  'library-version=1.2;slot-id=7;slot-description=cipolicy%20soft%20slot;'
                  'slot-manufacturer=cipolicy%20tests;manufacturer=cipolicy%20tests;model=soft;'
                  f'serial=0001;token={TOKEN};type=private;id=%01')
        policy = self.new_policy()
        r, out = self.sign(policy, self.pki_token(), '--root', self.pki.root_pem,
                           uri=f'pkcs11:{fields}')
        self.assertExit(r, 0)
        for other in ('library-version=1.3', 'slot-id=8', 'serial=0002', 'model=hard',
                      'library-description=soft'):
            name = other.split('=')[0]
            uri = 'pkcs11:' + ';'.join(other if f.startswith(name + '=') else f
                                       for f in fields.split(';'))
            with self.subTest(other=other):
                r, out = self.sign(policy, self.pki_token(), uri=uri,
                                   out=self.path(f'{name}.cip'))
                self.assertRefused(r, KEY, 'no token matches', out)

    def test_uri_with_a_space_is_refused(self):
        r, out = self.sign(self.new_policy(), self.pki_token(), uri='pkcs11:token=My Token;object=k')
        self.assertRefused(r, 2, 'write a space as %20', out)


if __name__ == '__main__':
    unittest.main(verbosity=2)
