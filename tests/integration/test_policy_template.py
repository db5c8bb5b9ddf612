"""templates/policy/SignableBase.xml: it refuses to compile until an update signer is added, then
compiles, signs and verifies (what scripts/demo.sh does). Needs no ../shared."""
import os
import shutil
import unittest

from support import CliTest, run

TEMPLATE = os.path.join(os.path.dirname(__file__), '..', '..', 'templates', 'policy',
                        'SignableBase.xml')


class SignableTemplateTest(CliTest):
    def test_template_to_signed_policy(self):
        xml = self.path('policy.xml')
        shutil.copy(TEMPLATE, xml)
        r = run('compile', xml, '-o', self.path('policy.bin'))
        self.assertExit(r, 3, "must name an UpdatePolicySigner (add one with 'cipolicy add-signer")
        self.assertFalse(os.path.exists(self.path('policy.bin')))

        self.assertExit(run('dev-pki', '--out-dir', self.path('pki')), 0)
        self.assertExit(run('add-signer', xml, '--cert', self.path('pki', 'root.cer'), '--update',
                            '--supplemental'), 0)
        self.assertExit(run('set-id', xml, '--reset'), 0)
        self.assertExit(run('compile', xml, '-o', self.path('policy.bin')), 0)
        r = run('sign', self.path('policy.bin'), '--cert', self.path('pki', 'signer.pem'),
                '--key', self.path('pki', 'signer.key'), '--chain', self.path('pki', 'chain.pem'),
                '--output-dir', self.path('signed'))
        self.assertExit(r, 0)
        [signed] = os.listdir(self.path('signed'))
        r = run('verify', self.path('signed', signed), '--root', self.path('pki', 'root.pem'))
        self.assertExit(r, 0, 'valid')
        # The template itself is untouched and keeps its fixed PolicyID only in the template.
        self.assertNotIn(b'{5E1A6D2C-8B0F-4C1E-9F3A-2D7B4C6E8A10}', self.read(xml))


if __name__ == '__main__':
    unittest.main(verbosity=2)
