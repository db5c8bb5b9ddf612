"""root-cert, eku and cert-chain against the mock (both API shapes), metadata.json, and the
Az.CodeSigning parameter spellings."""
import hashlib
import json
import os
import re
import shutil
import unittest
import xml.etree.ElementTree as ET

from ts_support import TrustedSigningTest, mockdef, openssl


class CommandsTest(TrustedSigningTest):
    def test_root_cert_der_and_pem(self):
        r = self.cli('root-cert', *self.service_args(), '-o', self.path('root.cer'))
        self.assertExit(r, 0)
        der = self.read(self.mock.root_cer)
        self.assertEqual(self.read(self.path('root.cer')), der)
        self.assertIn(hashlib.sha1(der).hexdigest().upper(), r.out)
        self.assertIn(hashlib.sha256(der).hexdigest().upper(), r.out)
        self.assertIn('Mock Identity Verification Root', r.out)
        r = self.cli('root-cert', *self.service_args(), '-o', self.path('root.pem'), '--pem', '--json')
        self.assertExit(r, 0)
        self.assertEqual(r.json()['sha256'], hashlib.sha256(der).hexdigest().upper())
        self.assertEqual(self.read(self.path('root.pem')), self.read(self.mock.root_pem))

    def test_eku_both_shapes(self):
        for api, count in ((None, 1), ('2024-06-15', 2)):
            with self.subTest(api=api):
                r = self.cli('eku', *self.service_args(api), '--json')
                self.assertExit(r, 0)
                ekus = r.json()
                self.assertEqual(len(ekus), count)  # 2024: two pages through nextLink
                self.assertEqual(ekus[0]['oid'], mockdef.CUSTOMER_EKU)
                # The policy Value: DER of the OID with the tag 06 written as 01.
                der = openssl('asn1parse', '-genstr', 'OID:' + mockdef.CUSTOMER_EKU, '-out',
                              self.path('oid.der'), '-noout')
                self.assertEqual(der.returncode, 0, der.stderr)
                value = '01' + self.read(self.path('oid.der'))[1:].hex().upper()
                self.assertEqual(ekus[0]['value'], value)
        r = self.cli('eku', *self.service_args())
        self.assertIn(mockdef.CUSTOMER_EKU + '  01', r.out)

    def test_eku_refuses_a_value_add_signer_would_refuse(self):
        # An OID whose DER is 128 bytes or more needs DER's long length form, which a policy's
        # one-byte EKU length cannot hold: add-signer refuses it, so eku must not print one.
        long_oid = '1.3.6.1.4.1.311.' + '.'.join(['4294967295'] * 30)
        self.mock.configure(faults=[self.fault('eku', status=200, body=json.dumps([long_oid]))])
        r = self.cli('eku', *self.service_args())
        self.assertExit(r, 6, 'too long for a policy EKU')
        self.assertNotIn('  01', r.out)

    def test_known_eku_value(self):
        # 1.3.6.1.4.1.311.97.1.0 is stored as 010A2B0601040182376101 00 in Microsoft's policies.
        r = self.cli('eku', *self.service_args('2024-06-15'), '--json')
        values = {e['oid']: e['value'] for e in r.json()}
        self.assertEqual(values['1.3.6.1.4.1.311.97.1.0'], '010A2B060104018237610100')

    def test_cert_chain_p7b_and_pem(self):
        r = self.cli('cert-chain', *self.service_args(), '-o', self.path('chain.p7b'))
        self.assertExit(r, 0)
        self.assertIn('Mock Signer', r.out)
        p = openssl('pkcs7', '-inform', 'DER', '-in', self.path('chain.p7b'), '-print_certs', '-noout')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.decode().count('subject='), 3)
        r = self.cli('cert-chain', *self.service_args(), '-o', self.path('chain.pem'))
        self.assertExit(r, 0)
        pem = self.read(self.path('chain.pem')).decode()
        self.assertEqual(pem.count('BEGIN CERTIFICATE'), 3)
        self.assertTrue(pem.endswith(self.read(self.mock.root_pem).decode()))

    def test_metadata_case_insensitive_with_alias_and_correlation(self):
        meta = self.write(self.path('metadata.json'), json.dumps({
            'endpoint': self.mock.url + '/', 'TrustedSigningAccountName': mockdef.ACCOUNT,
            'certificateprofilename': mockdef.PROFILE, 'CorrelationId': 'build-1234'}).encode())
        r = self.cli('sign', self.policy, '--metadata', meta, '--ca-file', self.mock.ca_file, '-o',
                     self.path('out.cip'))
        self.assertExit(r, 0)
        self.assertVerifies(self.path('out.cip'))
        headers = [h['headers'] for h in self.mock.stats()['headers'] if h['kind'] != 'token']
        self.assertEqual({h['x-correlation-id'] for h in headers}, {'build-1234'})

    def test_metadata_artifact_signing_alias(self):
        meta = self.write(self.path('metadata.json'), json.dumps({
            'Endpoint': self.mock.url, 'ArtifactSigningAccountName': mockdef.ACCOUNT,
            'CertificateProfileName': mockdef.PROFILE}).encode())
        r = self.cli('root-cert', '--metadata', meta, '--ca-file', self.mock.ca_file)
        self.assertExit(r, 0)

    def test_metadata_unknown_key(self):
        meta = self.write(self.path('metadata.json'), json.dumps({
            'Endpoint': self.mock.url, 'CodeSigningAccountName': 'a',
            'CertificateProfileName': 'p', 'Profile': 'x'}).encode())
        r = self.cli('sign', self.policy, '--metadata', meta, '-o', self.path('out.cip'))
        self.assertExit(r, 3, 'unknown key "Profile"')
        self.assertIn('CertificateProfileName', r.err)
        self.assertIn('metadata.json', r.err)

    def test_metadata_missing_profile(self):
        meta = self.write(self.path('metadata.json'), json.dumps({
            'Endpoint': self.mock.url, 'CodeSigningAccountName': 'a'}).encode())
        r = self.cli('eku', '--metadata', meta)
        self.assertExit(r, 3, 'CertificateProfileName is missing')

    def test_az_parameter_spellings(self):
        meta = self.write(self.path('metadata.json'), json.dumps({
            'Endpoint': self.mock.url, 'CodeSigningAccountName': mockdef.ACCOUNT,
            'CertificateProfileName': mockdef.PROFILE}).encode())
        out = self.path('az.cip')
        r = self.cli('sign', '-Path', self.policy, '-MetadataFilePath', meta, '-Destination', out,
                     '--ca-file', self.mock.ca_file)
        self.assertExit(r, 0)
        self.assertVerifies(out)
        r = self.cli('root-cert', '-EndpointUrl', self.mock.url, '-AccountName', mockdef.ACCOUNT,
                     '-ProfileName', mockdef.PROFILE, '-Destination', self.path('r.cer'),
                     '--ca-file', self.mock.ca_file)
        self.assertExit(r, 0)
        self.assertEqual(self.read(self.path('r.cer')), self.read(self.mock.root_cer))

    def test_configuration_file_and_variables(self):
        cfg = self.write(self.path('cipolicy.yaml'), (
            'trusted-signing:\n'
            f'  endpoint: {self.mock.url}/\n'
            f'  account: {mockdef.ACCOUNT}\n'
            '  profile: not-this-one\n'
            '  credential: client-secret\n').encode())
        env = self.env(CIPOLICY_PROFILE=mockdef.PROFILE)  # the variable beats the file
        r = self.cli('sign', self.policy, '--config', cfg, '--ca-file', self.mock.ca_file, '-o',
                     self.path('out.cip'), env=env)
        self.assertExit(r, 0)
        self.assertVerifies(self.path('out.cip'))

    def test_local_key_and_service_together_is_a_usage_error(self):
        r = self.cli('sign', self.policy, '--cert', 'c.pem', '--key', 'k.pem', *self.service_args(),
                     '-o', self.path('out.cip'))
        self.assertExit(r, 2, 'not both')

    def test_incomplete_service_options(self):
        r = self.cli('eku', '--endpoint', self.mock.url, '--account', 'a')
        self.assertExit(r, 2, '--profile')

    def test_unsupported_api_version(self):
        r = self.cli('eku', *self.service_args('2021-01-01'))
        self.assertExit(r, 2, '2024-06-15')


TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'templates',
                        'policy', 'SignableBase.xml')
NS = {'p': 'urn:schemas-microsoft-com:sipolicy'}


class ProfilePolicyTest(TrustedSigningTest):
    """A policy that trusts one Trusted Signing profile: the profile's root with its customer EKU
    (add-signer / new-policy --metadata), and the warning for a shared root without one."""

    def metadata(self):
        return self.write(self.path('metadata.json'), json.dumps({
            'Endpoint': self.mock.url, 'CodeSigningAccountName': mockdef.ACCOUNT,
            'CertificateProfileName': mockdef.PROFILE}).encode())

    def eku_value(self, oid):
        der = openssl('asn1parse', '-genstr', 'OID:' + oid, '-out', self.path('oid.der'), '-noout')
        self.assertEqual(der.returncode, 0, der.stderr)
        return '01' + self.read(self.path('oid.der'))[1:].hex().upper()

    def test_add_signer_from_metadata_adds_root_and_customer_eku(self):
        policy_xml = self.path('policy.xml')
        shutil.copy(TEMPLATE, policy_xml)
        r = self.cli('add-signer', policy_xml, '--metadata', self.metadata(), '--ca-file',
                     self.mock.ca_file, '--update', '--supplemental')
        self.assertExit(r, 0)
        self.assertIn(mockdef.CUSTOMER_EKU, r.out)
        # The template's own comment holds '--' (not well-formed for strict parsers): drop it.
        text = re.sub(rb'<!--.*?-->', b'', self.read(policy_xml), flags=re.S)
        root = ET.fromstring(text)
        signers = root.findall('p:Signers/p:Signer', NS)
        self.assertEqual(len(signers), 1)
        cert_root = signers[0].find('p:CertRoot', NS)
        self.assertEqual(cert_root.get('Type'), 'TBS')
        self.assertEqual(cert_root.get('Value'),
                         hashlib.sha256(self.tbs_bytes()).hexdigest().upper())
        eku_ids = [e.get('ID') for e in signers[0].findall('p:CertEKU', NS)]
        ekus = {e.get('ID'): e.get('Value') for e in root.findall('p:EKUs/p:EKU', NS)}
        self.assertEqual([ekus[i] for i in eku_ids], [self.eku_value(mockdef.CUSTOMER_EKU)])
        signer_id = signers[0].get('ID')
        self.assertEqual(root.find('p:UpdatePolicySigners/p:UpdatePolicySigner', NS).get('SignerId'),
                         signer_id)
        self.assertEqual(root.find('p:SupplementalPolicySigners/p:SupplementalPolicySigner',
                                   NS).get('SignerId'), signer_id)
        # The documented flow goes on: compile, sign with the profile, verify without warnings.
        self.assertExit(self.cli('set-id', policy_xml, '--reset'), 0)
        self.policy = self.path('policy.bin')
        self.assertExit(self.cli('compile', policy_xml, '-o', self.policy), 0)
        r, out = self.sign()
        self.assertExit(r, 0)
        self.assertNotIn('without a CertEKU', r.err)
        self.assertVerifies(out)
        v = self.cli('verify', out, '--root', self.mock.root_cer)
        self.assertNotIn('CertEKU', v.out)

    def tbs_bytes(self):
        from cryptography import x509
        return x509.load_der_x509_certificate(self.read(self.mock.root_cer)).tbs_certificate_bytes

    def test_add_signer_with_endpoint_options(self):
        policy_xml = self.path('policy.xml')
        shutil.copy(TEMPLATE, policy_xml)
        r = self.cli('add-signer', policy_xml, *self.service_args('2024-06-15'), '--update',
                     '--json')
        self.assertExit(r, 0)
        self.assertEqual(r.json()['ekuOids'], [mockdef.CUSTOMER_EKU, '1.3.6.1.4.1.311.97.1.0'])
        r = self.cli('add-signer', policy_xml, '--cert', self.mock.root_cer, *self.service_args(),
                     '--update')
        self.assertExit(r, 2, 'not both')

    def test_new_policy_from_metadata_signs_without_shared_root_warning(self):
        self.policy = self.path('profile.bin')
        r = self.cli('new-policy', '--metadata', self.metadata(), '--ca-file', self.mock.ca_file,
                     '-o', self.policy)
        self.assertExit(r, 0)
        inspect = self.cli('inspect', self.policy, '--json')
        update = inspect.json()['policy']['updatePolicySigners']
        self.assertEqual(update[0]['certEkuOids'], [mockdef.CUSTOMER_EKU])
        self.assertEqual(update[0]['certEkus'], [self.eku_value(mockdef.CUSTOMER_EKU)])
        self.assertIn('EKU ' + mockdef.CUSTOMER_EKU, self.cli('inspect', self.policy).out)
        r, out = self.sign()
        self.assertExit(r, 0)
        self.assertNotIn('CertEKU', r.err)
        self.assertVerifies(out)

    def test_new_policy_eku_option(self):
        out = self.path('eku.bin')
        r = self.cli('new-policy', '--update-signer', self.mock.root_cer, '--eku',
                     mockdef.CUSTOMER_EKU, '-o', out, '--json')
        self.assertExit(r, 0)
        signers = self.cli('inspect', out, '--json').json()['policy']['updatePolicySigners']
        self.assertEqual(signers[0]['certEkuOids'], [mockdef.CUSTOMER_EKU])

    def test_shared_root_without_eku_warns_in_sign_and_verify(self):
        # self.policy trusts the mock's Identity Verification root by TBS alone.
        r, out = self.sign('--json')
        self.assertExit(r, 0)
        self.assertIn('without a CertEKU', r.err)
        self.assertIn('cipolicy add-signer POLICY.xml --metadata metadata.json --update', r.err)
        self.assertIn('without a CertEKU', r.json()[0]['warnings'][0])
        v = self.cli('verify', out, '--root', self.mock.root_cer)
        self.assertExit(v, 0, 'without a CertEKU')
        self.assertIn('no EKU', self.cli('inspect', self.policy).out)

    def test_pem_to_standard_output(self):
        r = self.cli('root-cert', *self.service_args(), '-o', '-', '--pem')
        self.assertExit(r, 0)
        self.assertEqual(r.out, self.read(self.mock.root_pem).decode())
        r = self.cli('cert-chain', *self.service_args(), '-o', '-', '--pem')
        self.assertExit(r, 0)
        self.assertEqual(r.out.count('BEGIN CERTIFICATE'), 3)
        self.assertTrue(r.out.startswith('-----BEGIN CERTIFICATE-----'))
        r = self.cli('root-cert', *self.service_args(), '-o', '-')
        self.assertExit(r, 2, 'binary')
        self.assertFalse(os.path.exists(self.path('-')))

    def test_cert_chain_lists_leaf_to_root(self):
        r = self.cli('cert-chain', *self.service_args(), '--json')
        self.assertExit(r, 0)
        subjects = [c['subject'] for c in r.json()['certificates']]
        self.assertEqual(subjects, ['CN=Mock Signer', 'CN=Mock ID Verified CS EOC CA 01',
                                    'CN=Mock Identity Verification Root'])


if __name__ == '__main__':
    unittest.main(verbosity=2)
