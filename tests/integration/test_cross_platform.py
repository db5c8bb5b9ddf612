"""The Windows exe and the Linux tool write the same bytes: compiled policies (Microsoft's XML
oracles, and the decompiled XML of their binaries) and signed policies (signing is
deterministic). Runs in the Windows build's suite
(cipolicy.exe under Wine) with the Linux tool from $CIPOLICY_LINUX_EXE; exits 77 (skipped)
elsewhere or when ../shared is absent."""
import glob
import os
import subprocess
import sys
import unittest

from pki import Pki
from support import WINE, CliTest, run, shared_dir

LINUX_EXE = os.environ.get('CIPOLICY_LINUX_EXE')
SHARED = shared_dir()


def run_linux(*args):
    return subprocess.run([LINUX_EXE, *map(str, args)], capture_output=True, timeout=120)


class CrossPlatformTest(CliTest):
    def both(self, make_args, name):
        """Runs the same command with each tool, each writing its own output; returns both."""
        outputs = []
        for tool in ('windows', 'linux'):
            out = self.path(f'{tool}-{name}')
            args = make_args(out)
            if tool == 'windows':
                r = run(*args)
                self.assertEqual(r.code, 0, repr(r))
            else:
                p = run_linux(*args)
                self.assertEqual(p.returncode, 0, p.stderr)
            outputs.append(self.read(out))
        return outputs

    def test_compile_and_decompile_oracles(self):
        xmls = sorted(glob.glob(os.path.join(SHARED, 'oracles', 'compile', '*.xml')))
        self.assertTrue(xmls)
        for xml in xmls:
            with self.subTest(xml=os.path.basename(xml)):
                win, linux = self.both(lambda out: ['compile', xml, '-o', out], 'c.bin')
                self.assertEqual(win, linux)  # test_compiler.py holds both to the oracle .bin
                win_xml, linux_xml = self.both(
                    lambda out: ['decompile', xml[:-4] + '.bin', '-o', out], 'd.xml')
                self.assertEqual(win_xml, linux_xml)

    def test_signed_files_are_identical(self):
        pki = Pki(self.path('pki'))
        policy = self.path('policy.bin')
        self.assertExit(run('new-policy', '--update-signer', pki.root_der, '-o', policy,
                            '--policy-id', '{7E57C0DE-0000-4000-8000-00000000C0DE}'), 0)
        win, linux = self.both(lambda out: ['sign', policy, '--cert', pki.leaf_pem, '--key',
                                            pki.key_pem, '--chain', pki.chain_pem, '-o', out],
                               'signed.cip')
        self.assertEqual(win, linux)


if __name__ == '__main__':
    if not (WINE and LINUX_EXE):
        print('SKIPPED: compares the Windows exe under Wine with the Linux tool '
              '(the Windows build\'s suite with CIPOLICY_LINUX_EXE set)')
        sys.exit(77)
    if not SHARED:
        print('SKIPPED: ../shared (the oracles) is absent')
        sys.exit(77)
    unittest.main()
