"""`cipolicy sign` and `verify` end to end with PKIs made by python3-cryptography, checked with
OpenSSL's independent CMS implementation."""
import os
import re
import struct
import unittest

from pki import Pki, ec_key, rsa_key
from support import CliTest, openssl, run


class SignTestBase(CliTest):
    def make_pki(self, name='pki', **kw):
        return Pki(self.path(name), **kw)

    def make_policy(self, pki, name='policy.bin', policy_id=None):
        out = self.path(name)
        args = ['new-policy', '--update-signer', pki.root_der, '-o', out]
        if policy_id:
            args += ['--policy-id', policy_id]
        self.assertExit(run(*args), 0)
        return out

    def sign(self, pki, policy, *extra, output=None):
        output = output or self.path('signed.cip')
        r = run('sign', policy, '--cert', pki.leaf_pem, '--key', pki.key_pem, '--chain',
                pki.chain_pem, '-o', output, *extra)
        return r, output


class SignAndVerifyTest(SignTestBase):
    def check_signed(self, bits, intermediate):
        pki = self.make_pki(leaf_key=rsa_key(bits), intermediate=intermediate)
        policy = self.make_policy(pki)
        r, out = self.sign(pki, policy)
        self.assertExit(r, 0)
        signed = self.read(out)

        # OpenSSL verifies the signature and the chain to our root, and returns the policy.
        content = self.path('content.bin')
        v = openssl('cms', '-verify', '-binary', '-inform', 'DER', '-in', out, '-purpose', 'any',
                    '-CAfile', pki.root_pem, '-out', content)
        self.assertEqual(v.returncode, 0, v.stderr)
        self.assertEqual(self.read(content), self.read(policy))

        # The layout of spec/signed-policy.md section 1, as OpenSSL's parser sees it.
        dump = openssl('asn1parse', '-inform', 'DER', '-in', out).stdout.decode()
        lines = [re.sub(r'^\s*\d+:d=\s*(\d+).*?:\s*', r'\1 ', l) for l in dump.splitlines()]
        self.assertIn('OBJECT            :pkcs7-signedData', dump)
        self.assertRegex(dump, r'd=3 +hl=2 l= +1 prim: +INTEGER +:01\n')  # SignedData version 1
        self.assertIn(':1.3.6.1.4.1.311.79.1', dump)
        self.assertIn(':contentType', dump)
        self.assertIn(':messageDigest', dump)
        self.assertNotIn('signingTime', dump)
        self.assertNotIn('S/MIME Capabilities', dump)
        self.assertRegex(dump, r':sha256\n.*NULL')
        self.assertRegex(dump, r':rsaEncryption\n.*NULL')
        self.assertEqual(dump.count(':pkcs7-signedData'), 1)
        # Leaf (+ intermediate), and the root because the policy names it: Windows matches signer
        # rules only against the certificates in the file.
        certs = openssl('pkcs7', '-inform', 'DER', '-in', out, '-print_certs', '-noout').stdout.decode()
        subjects = re.findall(r'subject=.*CN ?= ?(.*)', certs)
        self.assertEqual(sorted(subjects), ['Test Intermediate', 'Test Root', 'Test Signer']
                         if intermediate else ['Test Root', 'Test Signer'])
        # A DER SET OF: sorted by encoding (X.690 11.6), as signtool writes it, not chain order.
        pems = re.findall(rb'-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n', openssl(
            'pkcs7', '-inform', 'DER', '-in', out, '-print_certs').stdout, re.S)
        ders = [openssl('x509', '-outform', 'DER', input=p).stdout for p in pems]
        self.assertEqual(len(ders), 3 if intermediate else 2)
        self.assertEqual(ders, sorted(ders))
        self.assertTrue(lines)

        # Deterministic: a second run gives the same bytes.
        r2, out2 = self.sign(pki, policy, output=self.path('again.cip'))
        self.assertExit(r2, 0)
        self.assertEqual(self.read(out2), signed)

        # Our own verify accepts it, anchored to the root.
        self.assertExit(run('verify', out, '--root', pki.root_pem), 0)
        return signed

    def test_rsa2048_with_intermediate(self):
        self.check_signed(2048, True)

    def test_rsa3072_with_intermediate(self):
        self.check_signed(3072, True)

    def test_rsa4096_with_intermediate(self):
        self.check_signed(4096, True)

    def test_rsa3072_without_intermediate(self):
        self.check_signed(3072, False)

    def test_sha384_warns_and_verifies(self):
        pki = self.make_pki()
        policy = self.make_policy(pki)
        r, out = self.sign(pki, policy, '--digest', 'sha384')
        self.assertExit(r, 0, 'Windows 11')
        dump = openssl('asn1parse', '-inform', 'DER', '-in', out).stdout.decode()
        self.assertIn(':sha384', dump)
        v = run('verify', out, '--root', pki.root_pem)
        self.assertExit(v, 0, 'sha384')

    def test_openssl_cms_output_is_rejected_with_reasons(self):
        """What `openssl cms -sign` makes differs from signtool's layout; verify says how."""
        pki = self.make_pki()
        policy = self.make_policy(pki)
        out = self.path('openssl.p7b')
        p = openssl('cms', '-sign', '-binary', '-nodetach', '-in', policy, '-signer', pki.leaf_pem,
                    '-inkey', pki.key_pem, '-certfile', pki.chain_pem, '-md', 'sha256',
                    '-econtent_type', '1.3.6.1.4.1.311.79.1', '-outform', 'DER', '-out', out)
        self.assertEqual(p.returncode, 0, p.stderr)
        r = run('verify', out, '--root', pki.root_pem)
        self.assertExit(r, 1, 'SignedData version is 3')
        self.assertIn('unexpected signed attribute 1.2.840.113549.1.9.5', r.out)  # signingTime

    def test_pfx_with_password_from_env_and_file(self):
        pki = self.make_pki()
        policy = self.make_policy(pki)
        pfx = pki.write_pfx('signer.pfx', 'pa55-word')
        r = run('sign', policy, '--pfx', pfx, '--pfx-password-env', 'PFX_PW', '-o', self.path('a.cip'),
                env={'PFX_PW': 'pa55-word'})
        self.assertExit(r, 0)
        pwfile = self.write(self.path('pw.txt'), b'pa55-word\n')
        r = run('sign', policy, '--pfx', pfx, '--pfx-password-file', pwfile, '-o', self.path('b.cip'))
        self.assertExit(r, 0)
        self.assertEqual(self.read(self.path('a.cip')), self.read(self.path('b.cip')))
        r = run('sign', policy, '--pfx', pfx, '--pfx-password-env', 'PFX_PW', '-o', self.path('c.cip'),
                env={'PFX_PW': 'Not-The-Pa55word-xyz'})
        self.assertExit(r, 4, 'signer.pfx')
        self.assertFalse(os.path.exists(self.path('c.cip')))
        self.assertNotIn('Not-The-Pa55word-xyz', r.err + r.out)
        self.assertNotIn('pa55-word', r.err + r.out)

    def test_default_output_name_and_output_dir(self):
        pki = self.make_pki()
        guid = '{11111111-2222-3333-4444-555555555555}'
        policy = self.make_policy(pki, policy_id=guid)
        r = run('sign', policy, '--cert', pki.leaf_pem, '--key', pki.key_pem, '--chain', pki.chain_pem)
        self.assertExit(r, 0)
        self.assertTrue(os.path.exists(self.path(guid + '.cip')))
        second = self.make_policy(pki, 'second.bin')
        outdir = self.path('out')
        r = run('sign', policy, second, '--cert', pki.leaf_pem, '--key', pki.key_pem,
                '--chain', pki.chain_pem, '--output-dir', outdir, '--json')
        self.assertExit(r, 0)
        results = r.json()
        self.assertEqual([x['status'] for x in results], ['signed', 'signed'])
        self.assertEqual(len(self.listing(outdir)), 2)
        self.assertIn(guid + '.cip', self.listing(outdir))

    def test_config_file_supplies_key_and_output_folder(self):
        pki = self.make_pki()
        policy = self.make_policy(pki, policy_id='{22222222-2222-3333-4444-555555555555}')
        cfg = self.write(self.path('cipolicy.yaml'),
                         b'local:\n  cert: pki/signer.pem\n  key: pki/signer.key\n'
                         b'  chain: pki/chain.pem\noutput:\n  dir: out\n')
        self.assertExit(run('sign', policy, '--config', cfg), 0)
        self.assertEqual(self.listing(self.path('out')), ['{22222222-2222-3333-4444-555555555555}.cip'])
        # $CIPOLICY_CONFIG finds it too; the command line and CIPOLICY_DIGEST override the file.
        r = run('sign', policy, '-o', self.path('x.cip'), env={'CIPOLICY_CONFIG': cfg,
                                                               'CIPOLICY_DIGEST': 'sha512'})
        self.assertExit(r, 0)
        self.assertIn(':sha512', openssl('asn1parse', '-inform', 'DER', '-in', self.path('x.cip')).stdout.decode())
        r = run('sign', policy, '-o', self.path('y.cip'), '--digest', 'sha256',
                env={'CIPOLICY_CONFIG': cfg, 'CIPOLICY_DIGEST': 'sha512'})
        self.assertExit(r, 0)
        self.assertIn(':sha256', openssl('asn1parse', '-inform', 'DER', '-in', self.path('y.cip')).stdout.decode())
        bad = self.write(self.path('bad.yaml'), b'local:\n  certificate: x.pem\n')
        r = run('sign', policy, '--config', bad, '-o', self.path('z.cip'))
        self.assertExit(r, 3, 'bad.yaml(2,3): unknown key "local.certificate"')
        self.assertFalse(os.path.exists(self.path('z.cip')))

    def test_existing_output_is_replaced_without_leftovers(self):
        pki = self.make_pki()
        policy = self.make_policy(pki)
        out = self.write(self.path('signed.cip'), b'old contents')
        r, _ = self.sign(pki, policy, output=out)
        self.assertExit(r, 0)
        self.assertNotEqual(self.read(out), b'old contents')
        self.assertFalse([f for f in self.listing() if f.endswith('.tmp')])

    def test_listfile_and_wildcards(self):
        pki = self.make_pki()
        a = self.make_policy(pki, 'a.bin')
        b = self.make_policy(pki, 'b.bin')
        listfile = self.write(self.path('inputs.txt'), b'# policies\na.bin\nb.bin\n')
        out1, out2 = self.path('o1'), self.path('o2')
        common = ['--cert', pki.leaf_pem, '--key', pki.key_pem, '--chain', pki.chain_pem]
        self.assertExit(run('sign', '@' + listfile, *common, '--output-dir', out1), 0)
        self.assertExit(run('sign', self.path('*.bin'), *common, '--output-dir', out2), 0)
        self.assertEqual(len(self.listing(out1)), 2)
        self.assertEqual(self.listing(out1), self.listing(out2))


class RefusalTest(SignTestBase):
    """Every refusal: exit code, one clear line, and no output file left behind."""

    def setUp(self):
        super().setUp()
        self.pki = self.make_pki()
        self.policy = self.make_policy(self.pki)
        self.out = self.path('out', 'signed.cip')
        os.makedirs(self.path('out'))

    def refuse(self, code, message, *args, policy=None):
        before = self.read(policy or self.policy)
        r = run('sign', policy or self.policy, '-o', self.out, *args)
        self.assertExit(r, code, message)
        self.assertEqual(self.listing(self.path('out')), [], 'output left behind')
        self.assertEqual(self.read(policy or self.policy), before, 'input modified')
        self.assertEqual(len([l for l in r.err.splitlines() if 'error' in l]), 1, r.err)
        return r

    def key_args(self, pki=None, key=None):
        pki = pki or self.pki
        return ['--cert', pki.leaf_pem, '--key', key or pki.key_pem, '--chain', pki.chain_pem]

    def test_ecdsa_key(self):
        pki = self.make_pki('ec', leaf_key=ec_key())
        self.refuse(4, 'ECDSA', *self.key_args(pki))

    def test_rsa_1024(self):
        pki = self.make_pki('small', leaf_key=rsa_key(1024))
        self.refuse(4, 'RSA-1024', *self.key_args(pki))

    def test_key_does_not_match_certificate(self):
        other = self.make_pki('other')
        self.refuse(4, 'does not match the certificate', *self.key_args(key=other.key_pem))

    def test_xml_input(self):
        xml = self.write(self.path('policy.xml'),
                         b'\xef\xbb\xbf<?xml version="1.0"?>\n<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy"/>')
        self.refuse(3, 'compile it to a binary first', *self.key_args(), policy=xml)

    def test_already_signed(self):
        r, signed = self.sign(self.pki, self.policy, output=self.path('first.cip'))
        self.assertExit(r, 0)
        self.refuse(5, 'already signed', *self.key_args(), policy=signed)

    def test_not_a_policy(self):
        junk = self.write(self.path('junk.bin'), os.urandom(64))
        self.refuse(3, 'not a CI policy binary', *self.key_args(), policy=junk)

    def test_unsigned_option_refused_then_overridden(self):
        data = bytearray(self.read(self.policy))
        word, = struct.unpack_from('<I', data, 0x24)
        struct.pack_into('<I', data, 0x24, word | 0x80000)
        unsigned = self.write(self.path('unsigned.bin'), bytes(data))
        self.refuse(5, 'Enabled:Unsigned System Integrity Policy', *self.key_args(), policy=unsigned)
        r = run('sign', unsigned, '-o', self.out, *self.key_args(), '--allow-unsigned-option')
        self.assertExit(r, 0, 'its signature will not protect it')
        v = run('verify', self.out, '--root', self.pki.root_pem)
        self.assertExit(v, 0, 'option 6')

    def test_unauthorized_signer_refused_then_overridden(self):
        stranger = self.make_pki('stranger', prefix='Stranger')
        self.refuse(5, 'UpdatePolicySigners', *self.key_args(stranger))
        r = run('sign', self.policy, '-o', self.out, *self.key_args(stranger),
                '--allow-unauthorized-signer')
        self.assertExit(r, 0, 'Windows will not accept')
        v = run('verify', self.out, '--root', stranger.root_pem)
        self.assertExit(v, 12, 'none of the 1 UpdatePolicySigners')

    def test_output_option_with_many_inputs(self):
        r = run('sign', self.policy, self.policy, '-o', self.out, *self.key_args())
        self.assertExit(r, 2, '--output-dir')

    def test_missing_key(self):
        r = run('sign', self.policy, '-o', self.out, '--cert', self.pki.leaf_pem)
        self.assertExit(r, 2, 'choose a signing key')

    def test_missing_input_file(self):
        r = run('sign', self.path('nope.bin'), '-o', self.out, *self.key_args())
        self.assertExit(r, 3, 'nope.bin')

    def test_password_variable_not_set(self):
        pfx = self.pki.write_pfx('x.pfx', 'secret')
        r = run('sign', self.policy, '-o', self.out, '--pfx', pfx, '--pfx-password-env',
                'CIPOLICY_TEST_UNSET_VAR')
        self.assertExit(r, 2, 'CIPOLICY_TEST_UNSET_VAR is not set')

    def test_batch_continue_on_error_reports_partial(self):
        junk = self.write(self.path('junk.bin'), b'\x00' * 16)
        outdir = self.path('batch')
        r = run('sign', junk, self.policy, *self.key_args(), '--output-dir', outdir,
                '--continue-on-error', '--json')
        self.assertExit(r, 9)
        statuses = [x['status'] for x in r.json()]
        self.assertEqual(statuses, ['failed', 'signed'])
        r = run('sign', junk, self.policy, *self.key_args(), '--output-dir', self.path('batch2'))
        self.assertExit(r, 3)
        self.assertEqual(self.listing(self.path('batch2')), [])


class TamperTest(SignTestBase):
    """A byte flipped anywhere that matters makes verify fail and name the cause."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = __import__('tempfile').mkdtemp(prefix='cipolicy-tamper-')
        cls.pki = Pki(os.path.join(cls.tmp, 'pki'))
        cls.policy = os.path.join(cls.tmp, 'policy.bin')
        run('new-policy', '--update-signer', cls.pki.root_der, '-o', cls.policy)
        cls.signed = os.path.join(cls.tmp, 'signed.cip')
        r = run('sign', cls.policy, '--cert', cls.pki.leaf_pem, '--key', cls.pki.key_pem,
                '--chain', cls.pki.chain_pem, '-o', cls.signed)
        assert r.code == 0, r
        with open(cls.signed, 'rb') as f:
            cls.data = f.read()
        with open(cls.policy, 'rb') as f:
            cls.content = f.read()

    @classmethod
    def tearDownClass(cls):
        __import__('shutil').rmtree(cls.tmp, ignore_errors=True)

    def flip(self, offset):
        data = bytearray(self.data)
        data[offset] ^= 0x01
        return self.write(self.path('tampered.cip'), bytes(data))

    def test_untampered_is_valid(self):
        self.assertExit(run('verify', self.signed, '--root', self.pki.root_pem), 0)

    def test_content(self):
        at = self.data.find(self.content) + 0x50
        r = run('verify', self.flip(at), '--root', self.pki.root_pem)
        self.assertExit(r, 1, 'messageDigest does not match the policy content')

    def test_signed_attributes(self):
        # The messageDigest value: the hash right after its OCTET STRING header.
        import hashlib
        at = self.data.find(hashlib.sha256(self.content).digest()) + 3
        r = run('verify', self.flip(at), '--root', self.pki.root_pem)
        self.assertExit(r, 1, 'messageDigest does not match')

    def test_signature(self):
        at = len(self.data) - 10
        r = run('verify', self.flip(at), '--root', self.pki.root_pem)
        self.assertExit(r, 1, 'the signature does not verify')

    def test_certificate(self):
        from cryptography.hazmat.primitives import serialization
        leaf = self.pki.leaf.public_bytes(serialization.Encoding.DER)
        # A byte inside the leaf's public key: the signer's key no longer verifies the signature.
        at = self.data.find(leaf) + len(leaf) - 300
        r = run('verify', self.flip(at), '--root', self.pki.root_pem)
        self.assertEqual(r.code, 1, r)
        self.assertRegex(r.out, 'signature does not verify|not a DER X.509 certificate|not in the file')

    def test_truncated(self):
        path = self.write(self.path('short.cip'), self.data[:-1])
        r = run('verify', path)
        self.assertExit(r, 1, 'offset 0x')

    def test_json_report(self):
        r = run('verify', self.signed, '--root', self.pki.root_pem, '--json')
        self.assertExit(r, 0)
        report = r.json()[0]
        self.assertEqual(report['verdict'], 'valid')
        self.assertEqual(report['signer']['subject'], 'CN=Test Signer')
        self.assertIn({'area': 'signature', 'status': 'pass', 'check': 'signature',
                       'message': report['findings'][[f['check'] for f in report['findings']].index('signature')]['message']},
                      report['findings'])

    def test_wrong_root_is_not_anchored(self):
        other = Pki(self.path('other'), prefix='Other')
        r = run('verify', self.signed, '--root', other.root_pem)
        self.assertExit(r, 11, 'does not reach a supplied root')


if __name__ == '__main__':
    unittest.main(verbosity=2)
