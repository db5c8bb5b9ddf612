"""The Windows certificate store provider (--cert-store, --thumbprint, --subject).

Under Wine: the signtool oracle's key, imported into CurrentUser\\My as a user would (a helper
calling PFXImportCertStore and CertAddCertificateContextToStore), signs the compiled policy byte
for byte as signtool did with the same key from the same kind of store. On Linux the options are
a one-line error and nothing is written."""
import os
import subprocess
import unittest

from support import WINE, CliTest, native_path, run, shared_dir

HELPER = os.environ.get('CIPOLICY_TEST_CERT_STORE_HELPER')
EMULATOR = os.environ.get('CIPOLICY_TEST_EMULATOR')


def signtool_oracle(*parts):
    shared = shared_dir()
    return os.path.join(shared, 'oracles', 'signtool', *parts) if shared else None


class CertStoreOptionsTest(CliTest):
    def test_store_options_need_a_thumbprint_or_a_subject(self):
        policy = self.write(self.path('p.bin'), b'\0' * 64)
        r = run('sign', policy, '--cert-store', 'My', '-o', self.path('out.p7b'))
        self.assertExit(r, 2, '--thumbprint SHA1 or --subject TEXT')
        r = run('sign', policy, '--cert-store', 'My', '--thumbprint', 'A' * 40, '--pfx', 'x.pfx',
                '-o', self.path('out.p7b'))
        self.assertExit(r, 2, 'not both')

    @unittest.skipIf(WINE, 'the Windows build has certificate stores')
    def test_off_windows_the_options_are_one_line_error(self):
        policy = self.write(self.path('p.bin'), b'\0' * 64)
        out = self.path('out.p7b')
        for args in (['--thumbprint', 'A' * 40], ['--subject', 'Contoso'],
                     ['--cert-store', 'LocalMachine\\My', '--thumbprint', 'a' * 40]):
            with self.subTest(args=args):
                r = run('sign', policy, *args, '-o', out)
                self.assertExit(r, 2, 'Windows certificate stores exist only on Windows')
                self.assertEqual(len(r.err.strip().splitlines()), 1, r.err)
                self.assertFalse(os.path.exists(out))


@unittest.skipUnless(WINE and HELPER and EMULATOR, 'the Windows build under Wine only')
class WineCertStoreTest(CliTest):
    def setUp(self):
        super().setUp()
        if not shared_dir():
            self.skipTest('../shared (the signtool oracles) is absent')
        self.policy = self.path('policy.bin')
        r = run('compile', signtool_oracle('IoTKit2020b_DeviceGuard_Enforced.xml'),
                '--format-version', '7', '-o', self.policy)
        self.assertExit(r, 0)
        self.expected = self.read(signtool_oracle('IoTKit2020b_DeviceGuard_Enforced.p7b'))

    def helper(self, *args):
        p = subprocess.run([EMULATOR, HELPER, *args], capture_output=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr.decode(errors='replace'))
        return p.stdout.decode().strip()

    def imported(self, pfx):
        thumbprint = self.helper('import', native_path(signtool_oracle('certs', pfx)))
        self.assertRegex(thumbprint, '^[0-9A-F]{40}$')
        self.addCleanup(self.helper, 'remove', thumbprint)
        return thumbprint

    def test_thumbprint_signs_as_signtool(self):
        thumbprint = self.imported('Contoso-KEK.pfx')
        out = self.path('signed.p7b')
        r = run('sign', self.policy, '--cert-store', 'My', '--thumbprint', thumbprint, '-o', out,
                '-v')
        self.assertExit(r, 0)
        self.assertIn('certificate store CurrentUser\\My', r.err + r.out)
        self.assertEqual(self.read(out), self.expected)

    def test_subject_signs_as_signtool_and_the_default_store_is_currentuser_my(self):
        self.imported('Contoso-KEK.pfx')
        out = self.path('signed.p7b')
        r = run('sign', self.policy, '--subject', 'contoso kek', '-o', out)
        self.assertExit(r, 0)
        self.assertEqual(self.read(out), self.expected)

    def test_no_match_and_several_matches_are_refused(self):
        self.imported('Contoso-KEK.pfx')
        self.imported('OEM-PAUTH.pfx')
        out = self.path('signed.p7b')
        r = run('sign', self.policy, '--subject', 'No Such Signer', '-o', out)
        self.assertExit(r, 4, "no certificate with a private key has 'No Such Signer'")
        r = run('sign', self.policy, '--subject', 'o', '-o', out)
        self.assertExit(r, 4, 'certificates with a private key match')
        self.assertIn('Contoso KEK Secure Boot', r.err)
        self.assertIn('choose one with --thumbprint', r.err)
        r = run('sign', self.policy, '--thumbprint', '00' * 20, '-o', out)
        self.assertExit(r, 4, 'no certificate with thumbprint')
        self.assertFalse(os.path.exists(out))


if __name__ == '__main__':
    unittest.main(verbosity=2)
