"""`verify`, `inspect` and `tbs-hash` on Microsoft-made files from ../shared/oracles.
Exits 77 (skipped) when ../shared is absent."""
import os
import sys
import unittest

from support import CliTest, openssl, run, shared_dir

SHARED = shared_dir()


def oracle(*parts):
    return os.path.join(SHARED, 'oracles', *parts)


class OracleTest(CliTest):
    def test_woa_is_valid_and_anchored(self):
        r = run('verify', oracle('signed', 'WOA_Andromeda_SiPolicy.p7b'),
                '--root', oracle('signed', 'WOA_OEMA0-PK.der'), '--json')
        self.assertExit(r, 0)
        report = r.json()[0]
        self.assertEqual(report['verdict'], 'valid')
        checks = {f['check']: f for f in report['findings']}
        self.assertEqual(checks['anchor']['status'], 'pass')
        self.assertEqual(checks['signature']['status'], 'pass')
        self.assertIn('RSA-4096', checks['signature']['message'])
        self.assertEqual(checks['update-signers']['status'], 'pass')
        self.assertIn('Windows On Andromeda KEK Secure Boot', checks['update-signers']['message'])
        # signtool's SiPolicy.p7b is a single-policy-format policy: the name is right.
        self.assertEqual(checks['file-name']['status'], 'warn')  # the oracle file is named WOA_...

    def test_woa_without_root_is_valid_but_unanchored_note(self):
        r = run('verify', oracle('signed', 'WOA_Andromeda_SiPolicy.p7b'))
        self.assertExit(r, 0)
        self.assertIn('pass --root', r.out)

    def test_woa_anchors_to_its_signer_certificate_too(self):
        r = run('verify', oracle('signed', 'WOA_Andromeda_SiPolicy.p7b'),
                '--root', oracle('signed', 'WOA_OEMA0-KEK.der'))
        # A trusted signer certificate is an anchor in itself (a partial chain is accepted).
        self.assertExit(r, 0)

    def test_hbkmon_signature_valid_policy_rules_not(self):
        r = run('verify', oracle('signed', 'HBKmon_driversipolicy.p7b'), '--json')
        self.assertExit(r, 12)
        report = r.json()[0]
        self.assertEqual(report['verdict'], 'signature valid, policy rules not satisfied')
        checks = {f['check']: f for f in report['findings']}
        self.assertEqual(checks['signature']['status'], 'pass')
        self.assertEqual(checks['message-digest']['status'], 'pass')
        self.assertEqual(checks['unsigned-option']['status'], 'warn')  # Windows loads it
        self.assertEqual(checks['update-signers']['status'], 'fail')
        self.assertIn('no UpdatePolicySigners', checks['update-signers']['message'])
        self.assertEqual(report['signer']['subject'].split(',')[0], 'CN=Microsoft Windows')
        self.assertEqual(checks['microsoft-signed']['status'], 'info')

    def test_inspect_signed_oracle(self):
        r = run('inspect', oracle('signed', 'WOA_Andromeda_SiPolicy.p7b'), '--json')
        self.assertExit(r, 0)
        j = r.json()
        self.assertTrue(j['signed'])
        self.assertEqual(j['policy']['formatVersion'], 7)
        self.assertEqual(j['signature']['digest'], 'sha256')
        self.assertEqual(j['signature']['signer']['subject'], 'CN=Windows On Andromeda KEK Secure Boot')
        self.assertNotIn('Enabled:Unsigned System Integrity Policy', j['policy']['options'])
        text = run('inspect', oracle('signed', 'WOA_Andromeda_SiPolicy.p7b'))
        self.assertExit(text, 0)
        self.assertIn('update signers', text.out)

    def test_inspect_unsigned_binary(self):
        r = run('inspect', oracle('samples', 'HBKmon_AllowAll_unsigned.bin'), '--json')
        self.assertExit(r, 0)
        j = r.json()
        self.assertFalse(j['signed'])
        self.assertIn('Enabled:Unsigned System Integrity Policy', j['policy']['options'])

    def test_tbs_hash_of_kek_is_the_policy_cert_root(self):
        r = run('tbs-hash', oracle('signed', 'WOA_OEMA0-KEK.der'), '--json')
        self.assertExit(r, 0)
        tbs = r.json()[0]['tbsHash']
        j = run('inspect', oracle('compile', 'WOA_SiPolicy.bin'), '--json').json()
        self.assertIn(tbs, [s.get('certRootTbs') for s in j['policy']['updatePolicySigners']])

    def test_policy_inside_signed_file_is_not_signable_again(self):
        r = run('sign', oracle('signed', 'WOA_Andromeda_SiPolicy.p7b'), '--cert',
                oracle('signed', 'WOA_OEMA0-KEK.der'), '--key', self.write(self.path('k'), b'x'),
                '-o', self.path('x.cip'))
        self.assertNotEqual(r.code, 0)
        self.assertFalse(os.path.exists(self.path('x.cip')))


class SigntoolOracleTest(CliTest):
    """compile + sign == real signtool output, byte for byte (oracles/signtool, no timestamp)."""

    def signed(self, pfx, chain=()):
        policy = self.path('policy.bin')
        r = run('compile', oracle('signtool', 'IoTKit2020b_DeviceGuard_Enforced.xml'),
                '--format-version', 7, '-o', policy)
        self.assertExit(r, 0)
        args = ['sign', policy, '--pfx', oracle('signtool', 'certs', pfx),
                '--pfx-password-env', 'EMPTY_PFX_PASSWORD', '-o', self.path('out.p7b')]
        if chain:
            # The CA certificates in chain order, one PEM file: the signer's issuer first.
            pem = b''.join(openssl('x509', '-inform', 'DER', '-in',
                                   oracle('signtool', 'certs', c)).stdout for c in chain)
            args += ['--chain', self.write(self.path('chain.pem'), pem)]
        r = run(*args, env={'EMPTY_PFX_PASSWORD': ''})
        self.assertExit(r, 0)
        return self.read(self.path('out.p7b'))

    def test_one_certificate_matches_signtool(self):
        self.assertEqual(self.signed('Contoso-KEK.pfx'),
                         self.read(oracle('signtool', 'IoTKit2020b_DeviceGuard_Enforced.p7b')))

    def test_certificate_set_sorted_like_signtool(self):
        # The chain comes in leaf, CA, PCA order; signtool's SET OF is sorted by DER encoding.
        self.assertEqual(
            self.signed('OEM-PAUTH.pfx', chain=('OEM-CA.cer', 'OEM-PCA.cer')),
            self.read(oracle('signtool', 'IoTKit2020b_DeviceGuard_Enforced.OEM-PAUTH.p7b')))


if __name__ == '__main__':
    if SHARED is None:
        print('SKIPPED: ../shared (or CIPOLICY_SHARED_DIR) not found')
        sys.exit(77)
    unittest.main(verbosity=2)
