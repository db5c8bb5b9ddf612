"""RFC 3161 timestamping against a local TSA (openssl ts -reply behind HTTP on 127.0.0.1):
sign-time timestamps, fallback, retries, every bad reply refused, re-timestamping, verify."""
import datetime
import json
import os
import re
import shutil
import sys
import tempfile
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'mock'))

from pki import Pki, issue, rsa_key
from support import TEST_HOST, WINE, CliTest, openssl, run
from tsa import Tsa, refused_url

from cryptography.hazmat.primitives import serialization

TSA = None


def setUpModule():
    global TSA
    TSA = Tsa(tempfile.mkdtemp(prefix='cipolicy-tsa-'), slow_seconds=3.0, flaky_failures=2).start()


def tearDownModule():
    TSA.stop()
    shutil.rmtree(TSA.folder, ignore_errors=True)


def counts():
    with urllib.request.urlopen(TSA.url + '/counts') as r:
        return json.loads(r.read())


FAST = ['--timestamp-retry-wait', '0.05', '--timestamp-timeout', '1']


class TimestampBase(CliTest):
    def setUp(self):
        super().setUp()
        self.pki = Pki(self.path('pki'))
        self.policy = self.path('policy.bin')
        self.assertExit(run('new-policy', '--update-signer', self.pki.root_der, '-o', self.policy), 0)
        self.key = ['--cert', self.pki.leaf_pem, '--key', self.pki.key_pem, '--chain', self.pki.chain_pem]

    def sign(self, *args, out='signed.cip'):
        return run('sign', self.policy, *self.key, '-o', self.path(out), *FAST, *args), self.path(out)

    def signature_value(self, signed):
        """The SignerInfo signature value, via openssl's parser: the last OCTET STRING before
        the unsigned attributes [1]."""
        dump = openssl('asn1parse', '-inform', 'DER', '-in', signed).stdout.decode().splitlines()
        # Certificates and the token also name rsaEncryption: take the SignerInfo's, the last one
        # before the timestamp attribute.
        end = next((i for i, l in enumerate(dump) if ':1.3.6.1.4.1.311.3.3.1' in l), len(dump))
        i = max(i for i, l in enumerate(dump[:end]) if 'rsaEncryption' in l)
        sig_line = dump[i + 2]
        offset, header = re.match(r'\s*(\d+):d=\s*\d+\s+hl=\s*(\d+)', sig_line).groups()
        length = int(re.search(r'\bl=\s*(\d+)', sig_line).group(1))
        data = self.read(signed)
        start = int(offset) + int(header)
        return data[start:start + length]

    def extract_token(self, signed):
        """The single value of the 3.3.1 attribute, located with openssl asn1parse."""
        dump = openssl('asn1parse', '-inform', 'DER', '-in', signed).stdout.decode().splitlines()
        idx = [i for i, l in enumerate(dump) if ':1.3.6.1.4.1.311.3.3.1' in l][0]
        token_line = dump[idx + 2]  # SET, then the ContentInfo SEQUENCE
        offset, header = re.match(r'\s*(\d+):d=\s*\d+\s+hl=\s*(\d+)', token_line).groups()
        length = int(re.search(r'\bl=\s*(\d+)', token_line).group(1))
        data = self.read(signed)
        return data[int(offset):int(offset) + int(header) + length]


class TimestampTest(TimestampBase):
    def test_signed_with_timestamp_verifies_with_openssl_ts(self):
        r, out = self.sign('--timestamp-url', TSA.url + '/ok')
        self.assertExit(r, 0)
        dump = openssl('asn1parse', '-inform', 'DER', '-in', out).stdout.decode()
        self.assertIn(':1.3.6.1.4.1.311.3.3.1', dump)
        # Placement: the attribute follows the signature inside the SignerInfo, tagged [1].
        self.assertRegex(dump, r'cont \[ 1 \]\s*\n.*SEQUENCE\s*\n.*:1\.3\.6\.1\.4\.1\.311\.3\.3\.1')
        # SignedData stays version 1.
        self.assertRegex(dump, r'd=3 +hl=2 l= +1 prim: +INTEGER +:01\n')
        # The token verifies with OpenSSL against the signature value, anchored at the TSA root.
        token = self.path('token.der')
        self.write(token, self.extract_token(out))
        sig = self.write(self.path('sig.bin'), self.signature_value(out))
        v = openssl('ts', '-verify', '-data', sig, '-in', token, '-token_in', '-CAfile', TSA.root_pem,
                    '-untrusted', TSA.cert_pem)
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        # The CMS signature still verifies, and our verify checks and prints the time.
        c = openssl('cms', '-verify', '-binary', '-inform', 'DER', '-in', out, '-purpose', 'any',
                    '-CAfile', self.pki.root_pem, '-out', self.path('content'))
        self.assertEqual(c.returncode, 0, c.stderr)
        vr = run('verify', out, '--root', self.pki.root_pem, '--timestamp-root', TSA.root_pem, '--json')
        self.assertExit(vr, 0)
        report = vr.json()[0]
        self.assertRegex(report['timestamp'], r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')
        i = run('inspect', out, '--json').json()
        self.assertEqual(i['signature']['timestamp'], 'present')

    def test_without_timestamp_only_the_unsigned_attribute_differs(self):
        r, plain = self.sign(out='plain.cip')
        self.assertExit(r, 0)
        r, stamped = self.sign('--timestamp-url', TSA.url + '/ok', out='stamped.cip')
        self.assertExit(r, 0)
        a, b = self.read(plain), self.read(stamped)
        sig = self.signature_value(plain)
        self.assertEqual(self.signature_value(stamped), sig)
        # Only the enclosing lengths and the new attribute differ: the version, digest algorithms,
        # content and certificates are one identical run, and so is the SignerInfo from its
        # identifier to the end of the signature (~165 bytes before the signature).
        at = a.index(sig)
        head = a[a.index(b'\x02\x01\x01\x31'):at - 320]
        signer = a[at - 150:at + len(sig)]
        self.assertGreater(len(head), 1000)
        self.assertTrue(head in b, "certificates or content changed")
        self.assertTrue(signer in b, "SignerInfo changed")
        self.assertTrue(b.index(signer) + len(signer) < len(b))
        token = self.extract_token(stamped)
        self.assertEqual(b[b.index(signer) + len(signer):].count(token), 1)

    def test_fallback_reaches_the_second_server(self):
        before = counts().get('/ok', 0)
        r, out = self.sign('--timestamp-url', refused_url(), '--timestamp-url', TSA.url + '/ok')
        self.assertExit(r, 0)
        self.assertEqual(counts().get('/ok', 0), before + 1)
        self.assertExit(run('verify', out, '--root', self.pki.root_pem), 0)

    def test_retries_are_counted_by_the_server(self):
        path = '/flaky?run=' + os.path.basename(self.dir)  # a fresh counter for this test
        r, _ = self.sign('--timestamp-url', TSA.url + path, '--timestamp-retries', '2')
        self.assertExit(r, 0)
        self.assertEqual(counts()[path], 3)  # two 503s, then granted
        path2 = path + '-short'
        r, _ = self.sign('--timestamp-url', TSA.url + path2, '--timestamp-retries', '1', out='x.cip')
        self.assertExit(r, 8, 'HTTP 503')
        self.assertEqual(counts()[path2], 2)  # one try and one retry, then it gives up

    def refused(self, path, message, *extra):
        r, out = self.sign('--timestamp-url', TSA.url + path, '--timestamp-retries', '0', *extra)
        self.assertExit(r, 8, message)
        self.assertFalse(os.path.exists(out), 'output written despite a failed timestamp')
        self.assertEqual([f for f in self.listing() if f.endswith('.tmp')], [])
        return r

    def test_connection_refused(self):
        url = refused_url()
        r, out = self.sign('--timestamp-url', url, '--timestamp-retries', '0')
        self.assertExit(r, 8, url)
        self.assertIn('timestamping failed on every server', r.err)
        self.assertFalse(os.path.exists(out))

    def test_http_500(self):
        self.refused('/http500', 'HTTP 500')

    def test_garbage_body(self):
        self.refused('/garbage', 'not an RFC 3161 TimeStampResp')

    def test_wrong_content_type(self):
        self.refused('/wrongtype', 'unexpected content type "text/html"')

    def test_trailing_bytes_after_the_reply(self):
        self.refused('/trailing', 'bytes after its TimeStampResp')

    def test_huge_reply_is_cut_off(self):
        self.refused('/huge', 'larger than 4 MB')

    def test_rejection_status(self):
        r = self.refused('/reject', 'the server refused the request (rejection: badAlg')
        self.assertIn('rejected by the test TSA', r.err)

    def test_wrong_imprint(self):
        self.refused('/wrongimprint', "imprint does not match")

    def test_wrong_nonce(self):
        self.refused('/wrongnonce', 'nonce does not match')

    def test_slow_reply_times_out(self):
        self.refused('/slow', 'imed out')

    def test_every_failing_server_is_named_once(self):
        r, _ = self.sign('--timestamp-url', TSA.url + '/http500', '--timestamp-url', TSA.url + '/garbage',
                         '--timestamp-retries', '0')
        self.assertExit(r, 8)
        line = [l for l in r.err.splitlines() if 'error' in l]
        self.assertEqual(len(line), 1)
        self.assertIn(TSA.url + '/http500: HTTP 500', line[0])
        self.assertIn(TSA.url + '/garbage: ', line[0])

    def test_timestamp_optional_writes_with_a_warning(self):
        r, out = self.sign('--timestamp-url', TSA.url + '/http500', '--timestamp-retries', '0',
                           '--timestamp-optional')
        self.assertExit(r, 0, 'signed without a timestamp')
        self.assertNotIn('1.3.6.1.4.1.311.3.3.1',
                         openssl('asn1parse', '-inform', 'DER', '-in', out).stdout.decode())

    def test_wrong_timestamp_root_is_refused(self):
        other = Pki(self.path('other'), prefix='Other')
        self.refused('/ok', 'does not verify up to a --timestamp-root', '--timestamp-root', other.root_pem)

    def test_time_outside_the_signer_validity_is_refused(self):
        past = Pki(self.path('past'))
        # A signer whose validity ended before "now": the token's time lies outside it.
        leaf_key = rsa_key(2048)
        old = issue('Expired Signer', leaf_key, past.intermediate, past.intermediate_key,
                    ekus=['1.3.6.1.5.5.7.3.3'])
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        builder = (x509.CertificateBuilder().subject_name(old.subject).issuer_name(old.issuer)
                   .public_key(leaf_key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(datetime.datetime(2020, 1, 1))
                   .not_valid_after(datetime.datetime(2021, 1, 1)))
        expired = builder.sign(past.intermediate_key, hashes.SHA256())
        cert = self.write(self.path('expired.pem'), expired.public_bytes(serialization.Encoding.PEM))
        key = self.write(self.path('expired.key'), leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        policy = self.path('p2.bin')
        self.assertExit(run('new-policy', '--update-signer', past.root_der, '-o', policy), 0)
        out = self.path('expired.cip')
        r = run('sign', policy, '--cert', cert, '--key', key, '--chain', past.chain_pem, '-o', out,
                '--timestamp-url', TSA.url + '/ok', *FAST)
        self.assertExit(r, 8, "lies outside the signer certificate's validity")
        self.assertFalse(os.path.exists(out))


class TimestampTransportTest(TimestampBase):
    """Timestamp requests go through the same HTTP stack as the signing service: Retry-After,
    TLS verified against --ca-file (or SSL_CERT_FILE), HTTPS_PROXY."""

    @classmethod
    def setUpClass(cls):
        cls.tls = Tsa(tempfile.mkdtemp(prefix='cipolicy-tsa-tls-')).start(tls=True, host=TEST_HOST)

    @classmethod
    def tearDownClass(cls):
        cls.tls.stop()
        shutil.rmtree(cls.tls.folder, ignore_errors=True)

    # Trust and proxies only from what each test names (the developer's own variables cleared).
    CLEAN = {k: '' for k in ('SSL_CERT_FILE', 'CURL_CA_BUNDLE', 'HTTPS_PROXY', 'https_proxy',
                             'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy')}

    def clean_env(self, **extra):
        env = {**self.CLEAN, **extra}
        # Windows variable names ignore case: an empty https_proxy must not hide HTTPS_PROXY.
        return {k: v for k, v in env.items()
                if v or not any(o != k and o.upper() == k.upper() and env[o] for o in env)}

    def sign_tls(self, out, *args, env=None):
        # A TLS handshake under Wine can take longer than FAST's one second.
        return run('sign', self.policy, *self.key, '-o', self.path(out), '--timestamp-retry-wait',
                   '0.05', '--timestamp-timeout', '20', *args,
                   env=self.clean_env(**(env or {}))), self.path(out)

    def assertTimestamped(self, signed, tsa):
        self.assertIn(':1.3.6.1.4.1.311.3.3.1',
                      openssl('asn1parse', '-inform', 'DER', '-in', signed).stdout.decode())
        self.assertExit(run('verify', signed, '--root', self.pki.root_pem, '--timestamp-root',
                            tsa.root_pem), 0)

    def test_retry_after_is_honoured(self):
        path = '/retryafter?run=' + os.path.basename(self.dir)
        # The own wait is 0.05 s; the server's 503 asks for one second.
        r, out = self.sign('--timestamp-url', TSA.url + path, '--timestamp-retries', '1')
        self.assertExit(r, 0)
        times = TSA.times[path]
        self.assertEqual(len(times), 2)
        self.assertGreaterEqual(times[1] - times[0], 0.95)
        self.assertTimestamped(out, TSA)

    def test_tls_server_is_verified_against_the_ca_file(self):
        url = self.tls.url + '/ok'
        self.assertTrue(url.startswith('https://'))
        r, out = self.sign_tls('tls.cip', '--timestamp-url', url, '--ca-file', self.tls.tls_ca_pem)
        self.assertExit(r, 0)
        self.assertTimestamped(out, self.tls)
        self.assertEqual(self.tls.counts.get('/ok'), 1)
        # The re-timestamp command has no --ca-file; it trusts SSL_CERT_FILE like every request.
        stamped = self.path('restamped.cip')
        r = run('timestamp', out, '-o', stamped, '--timestamp-url', url, '--timestamp-timeout', '20',
                env=self.clean_env(SSL_CERT_FILE=self.tls.tls_ca_pem))
        self.assertExit(r, 0)
        self.assertTimestamped(stamped, self.tls)
        # A CA file that does not exist is refused before any request, naming the file.
        r, missing = self.sign_tls('missing.cip', '--timestamp-url', url, '--ca-file',
                                   self.path('no-such-ca.pem'))
        self.assertExit(r, 2, 'no-such-ca.pem')
        self.assertFalse(os.path.exists(missing))
        if WINE:
            # Wine's Schannel accepts any certificate when no CA file is given (see
            # test_trusted_signing.py); the refusal below runs natively only.
            return
        r, untrusted = self.sign_tls('untrusted.cip', '--timestamp-url', url, '--timestamp-retries', '3')
        self.assertExit(r, 8, 'TLS certificate is not trusted')
        self.assertIn(url, r.err)
        self.assertFalse(os.path.exists(untrusted))
        self.assertEqual(self.tls.counts.get('/ok'), 2, 'an untrusted server got a request')

    def test_https_proxy_variable_is_honoured(self):
        from connect_proxy import ConnectProxy
        path = '/ok?proxy=' + os.path.basename(self.dir)
        with ConnectProxy() as proxy:
            r, out = self.sign_tls('proxied.cip', '--timestamp-url', self.tls.url + path, '--ca-file',
                                   self.tls.tls_ca_pem, env={'HTTPS_PROXY': proxy.url, 'NO_PROXY': ''})
            self.assertExit(r, 0)
            self.assertEqual(proxy.tunnels, [f'{TEST_HOST}:{self.tls.server.server_address[1]}'])
        self.assertEqual(self.tls.counts.get(path), 1)
        self.assertTimestamped(out, self.tls)


class RetimestampTest(TimestampBase):
    def test_timestamp_command_adds_and_replaces(self):
        r, plain = self.sign(out='plain.cip')
        self.assertExit(r, 0)
        original = self.read(plain)
        r = run('timestamp', plain, '-o', self.path('stamped.cip'), '--timestamp-url', TSA.url + '/ok', *FAST)
        self.assertExit(r, 0, 'timestamped')
        self.assertEqual(self.read(plain), original, 'input changed with -o')
        stamped = self.read(self.path('stamped.cip'))
        # Same signature value and the same content; only the unsigned attribute was added.
        self.assertEqual(self.signature_value(self.path('stamped.cip')), self.signature_value(plain))
        self.assertEqual(len(stamped) - len(original) > 1000, True)
        # In place: replaces the existing token rather than adding a second one.
        r = run('timestamp', self.path('stamped.cip'), '--timestamp-url', TSA.url + '/ok', *FAST)
        self.assertExit(r, 0)
        dump = openssl('asn1parse', '-inform', 'DER', '-in', self.path('stamped.cip')).stdout.decode()
        self.assertEqual(dump.count(':1.3.6.1.4.1.311.3.3.1'), 1)
        self.assertExit(run('verify', self.path('stamped.cip'), '--root', self.pki.root_pem), 0)

    def test_timestamp_accepts_certificates_in_chain_order(self):
        """Files cipolicy signed before it sorted the certificate SET list the chain in order;
        timestamping them writes the set sorted and changes no signed byte."""
        r, plain = self.sign(out='plain.cip')
        self.assertExit(r, 0)
        data = self.read(plain)
        pems = re.findall(rb'-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n', openssl(
            'pkcs7', '-inform', 'DER', '-in', plain, '-print_certs').stdout, re.S)
        ders = [openssl('x509', '-outform', 'DER', input=p).stdout for p in pems]
        self.assertGreaterEqual(len(ders), 2)  # the leaf, the CA, and the root when the policy names it
        self.assertEqual(ders, sorted(ders))
        at = data.index(ders[0])
        self.assertEqual(data.index(ders[1]), at + len(ders[0]))
        swapped = data[:at] + ders[1] + ders[0] + data[at + len(ders[0]) + len(ders[1]):]
        old = self.write(self.path('old.cip'), swapped)
        r = run('timestamp', old, '-o', self.path('stamped.cip'), '--timestamp-url',
                TSA.url + '/ok', *FAST)
        self.assertExit(r, 0, 'timestamped')
        stamped = self.read(self.path('stamped.cip'))
        self.assertLess(stamped.index(ders[0]), stamped.index(ders[1]))
        self.assertEqual(self.signature_value(self.path('stamped.cip')), self.signature_value(plain))
        self.assertExit(run('verify', self.path('stamped.cip'), '--root', self.pki.root_pem), 0)

    def test_timestamp_command_reads_the_timestamp_settings_of_the_configuration(self):
        """Every timestamp.* key of cipolicy.yaml reaches `cipolicy timestamp`, not only the URLs;
        CIPOLICY_* variables and the command line still win over the file."""
        r, plain = self.sign(out='plain.cip')
        self.assertExit(r, 0)
        original = self.read(plain)
        path = '/flaky?run=config-' + os.path.basename(self.dir)  # fails twice, then grants
        cfg = self.write(self.path('cipolicy.yaml'), (
            'timestamp:\n'
            f"  urls: ['{TSA.url}{path}']\n"
            '  retries: 0\n'
            '  retry-wait: 0.05\n'
            '  timeout: 1\n').encode())
        # retries: 0 from the file: the first 503 ends it (the default, 2 retries, would succeed).
        r = run('timestamp', plain, '--config', cfg)
        self.assertExit(r, 8, 'HTTP 503')
        self.assertEqual(counts()[path], 1)
        self.assertEqual(self.read(plain), original)
        # The variable beats the file: one retry, the second 503 and then the grant.
        r = run('timestamp', plain, '--config', cfg, env={'CIPOLICY_TIMESTAMP_RETRIES': '1'})
        self.assertExit(r, 0, 'timestamped')
        self.assertEqual(counts()[path], 3)
        # timestamp.root, relative to the file's folder, is enforced; the command line overrides
        # the file's retries (a fresh server path would otherwise fail on its first 503).
        other = Pki(self.path('other'), prefix='Other')
        cfg = self.write(self.path('cipolicy.yaml'), (
            'timestamp:\n'
            f'  urls: [{TSA.url}/ok]\n'
            f'  root: {os.path.relpath(other.root_pem, self.dir)}\n'
            '  timeout: 1\n').encode())
        stamped = self.read(plain)
        r = run('timestamp', plain, '--config', cfg)
        self.assertExit(r, 8, 'does not verify up to a --timestamp-root')
        self.assertEqual(self.read(plain), stamped)
        r = run('timestamp', plain, '--config', cfg, '--timestamp-root', TSA.root_pem)
        self.assertExit(r, 0, 'timestamped')

    def test_timestamp_failure_leaves_the_file_alone(self):
        r, plain = self.sign(out='plain.cip')
        original = self.read(plain)
        r = run('timestamp', plain, '--timestamp-url', TSA.url + '/http500', '--timestamp-retries', '0')
        self.assertExit(r, 8, 'HTTP 500')
        self.assertEqual(self.read(plain), original)

    def test_verify_rejects_a_token_for_another_signature(self):
        r, a = self.sign('--timestamp-url', TSA.url + '/ok', out='a.cip')
        self.assertExit(r, 0)
        # Sign a second policy and graft the first file's token into it.
        other = self.path('other.bin')
        self.assertExit(run('new-policy', '--update-signer', self.pki.root_der, '-o', other), 0)
        b = self.path('b.cip')
        self.assertExit(run('sign', other, *self.key, '-o', b, '--timestamp-url', TSA.url + '/ok', *FAST), 0)
        token_a, token_b = self.extract_token(a), self.extract_token(b)
        self.assertEqual(len(token_a), len(token_b))
        grafted = self.read(b).replace(token_b, token_a)
        path = self.write(self.path('grafted.cip'), grafted)
        v = run('verify', path, '--root', self.pki.root_pem)
        self.assertExit(v, 1, "imprint does not match this signature")

    def test_refuses_a_file_that_is_not_validly_signed(self):
        r, plain = self.sign(out='plain.cip')
        data = bytearray(self.read(plain))
        data[-5] ^= 1
        bad = self.write(self.path('bad.cip'), bytes(data))
        r = run('timestamp', bad, '--timestamp-url', TSA.url + '/ok', *FAST)
        self.assertExit(r, 3, 'not a validly signed policy')


if __name__ == '__main__':
    unittest.main(verbosity=2)
