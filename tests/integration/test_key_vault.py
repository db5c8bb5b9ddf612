"""`cipolicy sign` with a certificate and key in Azure Key Vault, against the Key Vault mock over
real TLS: the certificate from the vault, the digest signed by the key's sign operation with a
token for https://vault.azure.net from the same credential chain as Trusted Signing, retries on
429/5xx, the 401 challenge, 403 for a missing role, one token and bounded concurrency for a batch;
every result checked with openssl cms -verify and cipolicy verify --root."""
import os
import unittest

from ts_support import TrustedSigningTest, mockdef  # noqa: I100 (puts tests/mock on the path)
from mock_service import MockService  # noqa: E402

CERT = 'policy-signer'


class KeyVaultTest(TrustedSigningTest):
    @classmethod
    def setUpClass(cls):
        cls.mock = MockService('key_vault_mock.py').__enter__()

    def vault_args(self, certificate=CERT, *extra, url=None):
        return ['--key-vault', url or self.mock.url, '--key-vault-certificate', certificate,
                '--chain', self.mock.file('intermediate.pem'), '--ca-file', self.mock.ca_file,
                # The policy names the root, which the vault's chain stops below: sign carries it.
                '--root', self.mock.root_cer, *extra]

    def sign(self, *extra, inputs=None, env=None, output=None, certificate=CERT):
        output = output or self.path('signed.cip')
        args = ['sign', *(inputs or [self.policy]), *self.vault_args(certificate), *extra]
        if output != 'none':
            args += ['-o', output]
        return self.cli(*args, env=env), output

    def assertRefused(self, r, code, text, output):
        self.assertExit(r, code, text)
        # One line says what failed (a warning about the loopback host may come before it).
        self.assertEqual(len([l for l in r.err.splitlines() if 'error' in l]), 1, r.err)
        self.assertFalse(os.path.exists(output), 'an output was written')

    def test_sign_one_policy(self):
        r, out = self.sign('--verbose')
        self.assertExit(r, 0)
        self.assertVerifies(out)
        self.assertIn('Azure Key Vault ' + self.mock.url, r.err + r.out)
        stats = self.mock.stats()
        self.assertEqual(stats['requests'], {'token': 1, 'certificate': 1, 'sign': 1})
        vault = [h for h in stats['headers'] if h['kind'] != 'token']
        self.assertEqual([h['path'] for h in vault],
                         [f'/certificates/{CERT}?api-version=7.4',
                          f'/keys/{CERT}/v2/sign?api-version=7.4'])
        for h in vault:
            self.assertTrue(h['headers']['authorization'].startswith('Bearer mock-access-token-'))
            self.assertTrue(h['headers']['user-agent'].startswith('cipolicy/'))

    def test_sha384_and_sha512_use_rs384_and_rs512(self):
        for digest in ('sha384', 'sha512'):
            r, out = self.sign('--digest', digest, output=self.path(digest + '.cip'))
            self.assertExit(r, 0)
            self.assertVerifies(out)

    def test_certificate_version(self):
        r, out = self.sign('--key-vault-certificate-version', 'v1')
        self.assertExit(r, 0)
        self.assertVerifies(out)
        paths = [h['path'] for h in self.mock.stats()['headers'] if h['kind'] != 'token']
        self.assertEqual(paths[1], f'/keys/{CERT}/v1/sign?api-version=7.4')

    def test_batch_one_token_bounded_concurrency(self):
        inputs = [self.new_policy(f'p{i}.bin') for i in range(10)]
        self.mock.configure(sign_latency_ms=200)
        out_dir = self.path('out')
        r, _ = self.sign('--output-dir', out_dir, '--jobs', '3', inputs=inputs, output='none')
        self.assertExit(r, 0)
        stats = self.mock.stats()
        self.assertEqual(stats['requests'], {'token': 1, 'certificate': 1, 'sign': 10})
        self.assertEqual(stats['bearers'], 1)
        self.assertLessEqual(stats['max_in_flight'], 3)
        self.assertGreaterEqual(stats['max_in_flight'], 2)  # the files really went at once
        self.assertEqual(len(os.listdir(out_dir)), 10)
        for name in os.listdir(out_dir):
            self.assertExit(self.cli('verify', os.path.join(out_dir, name), '--root',
                                     self.mock.root_cer), 0)

    def test_default_concurrency_is_bounded(self):
        inputs = [self.new_policy(f'p{i}.bin') for i in range(12)]
        self.mock.configure(sign_latency_ms=300)
        r, _ = self.sign('--output-dir', self.path('out'), inputs=inputs, output='none')
        self.assertExit(r, 0)
        stats = self.mock.stats()
        self.assertLessEqual(stats['max_in_flight'], 8)
        self.assertGreaterEqual(stats['max_in_flight'], 2)

    def test_429_with_retry_after_is_honoured(self):
        self.mock.configure(faults=[self.fault('sign', status=429, headers={'Retry-After': '1'},
                                               body={'error': {'code': 'Throttled',
                                                               'message': 'Too many requests'}})])
        r, out = self.sign()
        self.assertExit(r, 0)
        self.assertVerifies(out)
        stats = self.mock.stats()
        self.assertEqual(stats['requests']['sign'], 2)
        self.assertGreaterEqual(stats['retry_gaps']['sign'][0], 0.9)

    def test_5xx_is_retried(self):
        self.mock.configure(faults=[self.fault('certificate', status=503, times=2),
                                    self.fault('sign', action='drop')])
        r, out = self.sign()
        self.assertExit(r, 0)
        self.assertVerifies(out)
        self.assertEqual(self.mock.requests('certificate'), 3)
        self.assertEqual(self.mock.requests('sign'), 2)

    def test_401_names_the_challenge(self):
        env = self.env(credential=None, CIPOLICY_ACCESS_TOKEN='static-token-of-another-audience')
        r, out = self.sign(env=env)
        self.assertRefused(r, 7, 'https://vault.azure.net', out)
        self.assertIn(f'login.microsoftonline.com/{mockdef.TENANT}', r.err)

    def test_403_names_the_missing_role(self):
        self.mock.configure(roles=['Key Vault Certificate User'])
        r, out = self.sign()
        self.assertRefused(r, 6, '"Key Vault Crypto User"', out)
        self.assertIn('ForbiddenByRbac', r.err)
        self.mock.configure(roles=['Key Vault Crypto User'])
        r, out = self.sign()
        self.assertRefused(r, 6, '"Key Vault Certificate User"', out)

    def test_missing_certificate(self):
        r, out = self.sign(certificate='nope')
        self.assertRefused(r, 6, 'not found in the vault', out)
        self.assertIn('CertificateNotFound', r.err)

    def test_ecdsa_certificate_is_refused_before_signing(self):
        r, out = self.sign(certificate='ec-signer')
        self.assertRefused(r, 4, 'ECDSA keys are not supported', out)
        self.assertEqual(self.mock.requests('sign'), 0)

    def test_disabled_certificate(self):
        r, out = self.sign(certificate='disabled-signer')
        self.assertRefused(r, 4, 'is disabled', out)

    def test_a_signature_that_does_not_verify_is_not_used(self):
        self.mock.configure(bad_signature=True)
        r, out = self.sign()
        self.assertRefused(r, 6, 'does not verify', out)

    def test_a_key_id_outside_the_vault_gets_no_token(self):
        self.mock.configure(kid='https://elsewhere.example/keys/policy-signer/v2')
        r, out = self.sign()
        self.assertRefused(r, 6, 'is not a key version of', out)
        self.assertEqual(self.mock.requests('sign'), 0)

    def test_vault_url_in_capitals(self):
        out = self.path('signed.cip')
        # Host names ignore case; the mock answers with the key id in lower case.
        r = self.cli('sign', self.policy, *self.vault_args(url=self.mock.url.upper()), '-o', out)
        self.assertExit(r, 0)
        self.assertVerifies(out)

    def test_http_vault_and_bad_names_are_refused(self):
        out = self.path('out.cip')
        r = self.cli('sign', self.policy, '--key-vault', 'http://127.0.0.1:1',
                     '--key-vault-certificate', CERT, '-o', out)
        self.assertRefused(r, 2, 'https URL', out)
        r = self.cli('sign', self.policy, '--key-vault', self.mock.url, '--key-vault-certificate',
                     'a/../b', '-o', out)
        self.assertRefused(r, 2, 'not a Key Vault name', out)
        self.assertEqual(self.mock.stats()['requests'], {})

    def test_cipolicy_yaml_key_vault_section(self):
        config = self.write(self.path('cipolicy.yaml'), (
            f'key-vault:\n  url: {self.mock.url}\n  certificate: {CERT}\n'
            f'  certificate-version: v2\nlocal:\n  chain: {self.mock.file("intermediate.pem")}\n'
            f'  root: {self.mock.root_cer}\n'
        ).encode())
        out = self.path('signed.cip')
        r = self.cli('sign', self.policy, '--config', config, '--ca-file', self.mock.ca_file,
                     '-o', out)
        self.assertExit(r, 0)
        self.assertVerifies(out)

    def test_one_key_store_at_a_time(self):
        r = self.cli('sign', self.policy, *self.vault_args(), '--pkcs11-uri', 'pkcs11:object=x',
                     '-o', self.path('out.cip'))
        self.assertExit(r, 2, 'not both')


if __name__ == '__main__':
    unittest.main(verbosity=2)
