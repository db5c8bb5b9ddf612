"""`cipolicy sign` against the Trusted Signing mock over real TLS: both API shapes, the headers
the service expects, and every fault of spec/trusted-signing.md section 1.3."""
import email.utils
import os
import struct
import time
import unittest

from support import TEST_HOST, WINE
from ts_support import TrustedSigningTest, mockdef


class SignTest(TrustedSigningTest):
    def check_signed_once(self, api_version):
        r, out = self.sign(api_version=api_version)
        self.assertExit(r, 0)
        self.assertVerifies(out)
        stats = self.mock.stats()
        req = stats['requests']
        self.assertEqual(req.get('token'), 1)
        self.assertEqual(req.get('sign_start'), 1)
        self.assertEqual(req.get('sign_poll'), 2)  # one InProgress, then the result
        self.assertEqual(req.get('rootcert'), 1)
        service = [h for h in stats['headers'] if h['kind'] != 'token']
        correlation = {h['headers'].get('x-correlation-id') for h in service}
        self.assertEqual(len(correlation), 1)
        self.assertNotIn(None, correlation)
        ids = [h['headers'].get('x-ms-client-request-id') for h in service]
        self.assertEqual(len(set(ids)), len(ids))
        for h in service:
            self.assertTrue(h['headers']['user-agent'].startswith('cipolicy/'))
            self.assertTrue(h['headers']['client-version'].startswith('cipolicy/'))
            if h['kind'].startswith('sign'):
                self.assertEqual(h['headers']['accept'], 'application/json')
                self.assertEqual(h['headers']['authorization'][:7], 'Bearer ')
        self.assertIn(f'api-version={api_version or "2022-06-15-preview"}',
                      [h for h in service if h['kind'] == 'sign_start'][0]['path'])

    def test_default_api_2022_06_15_preview(self):
        self.check_signed_once(None)

    def test_api_2024_06_15_operation_location(self):
        self.check_signed_once('2024-06-15')

    def test_api_2023_06_15_preview(self):
        self.check_signed_once('2023-06-15-preview')

    def test_sha384_and_sha512_use_rs384_rs512(self):
        for digest in ('sha384', 'sha512'):
            r, out = self.sign('--digest', digest)
            self.assertExit(r, 0)
            self.assertVerifies(out)

    def test_several_in_progress_polls(self):
        self.mock.configure(polls_in_progress=3)
        r, out = self.sign(api_version='2024-06-15')
        self.assertExit(r, 0)
        self.assertEqual(self.mock.requests('sign_poll'), 4)

    def test_trailing_slashes_are_removed_and_loopback_is_warned_about(self):
        args = ['sign', self.policy, '--endpoint', self.mock.url + '//', '--account',
                mockdef.ACCOUNT, '--profile', mockdef.PROFILE, '--ca-file', self.mock.ca_file,
                '-o', self.path('out.cip')]
        r = self.cli(*args)
        self.assertExit(r, 0)
        self.assertIn('not a Trusted Signing endpoint', r.err)

    def test_http_endpoint_is_refused(self):
        r = self.cli('sign', self.policy, '--endpoint', 'http://127.0.0.1:1', '--account', 'a',
                     '--profile', 'p', '-o', self.path('out.cip'))
        self.assertExit(r, 2, 'https URL')

    def test_tls_is_verified(self):
        r, out = self.sign()  # with --ca-file: works
        self.assertExit(r, 0)
        args = ['sign', self.policy, '--endpoint', self.mock.url, '--account', mockdef.ACCOUNT,
                '--profile', mockdef.PROFILE, '-o', self.path('untrusted.cip')]
        # A CA file that did not issue the server's certificate: refused on every platform.
        r = self.cli(*args, '--ca-file', self.mock.root_pem)
        self.assertExit(r, 7)
        self.assertIn('--ca-file', r.err)
        self.assertFalse(os.path.exists(self.path('untrusted.cip')))
        if WINE:
            # Wine 8's Schannel accepts any certificate when no CA file is given (real Windows
            # checks the system store); the part without --ca-file runs natively only.
            return
        r = self.cli(*args)
        self.assertExit(r, 7)  # the token request already fails: the mock's CA is not trusted
        self.assertIn('--ca-file', r.err)
        self.assertFalse(os.path.exists(self.path('untrusted.cip')))
        # SSL_CERT_FILE is honoured like --ca-file.
        r = self.cli(*args, env=self.env(SSL_CERT_FILE=self.mock.ca_file))
        self.assertExit(r, 0)

    def test_https_proxy_variable_is_honoured(self):
        from connect_proxy import ConnectProxy
        with ConnectProxy() as proxy:
            r, out = self.sign(env=self.env(HTTPS_PROXY=proxy.url, NO_PROXY=''))
            self.assertExit(r, 0)
            self.assertVerifies(out)
            self.assertTrue(proxy.tunnels)
            self.assertEqual(set(proxy.tunnels), {f'{TEST_HOST}:{self.mock.port}'})

    def test_json_and_verbose_carry_no_token(self):
        r, out = self.sign('--json', '--verbose')
        self.assertExit(r, 0)
        self.assertEqual(r.json()[0]['status'], 'signed')
        self.assertIn('correlation id', r.err)

    def test_a_refused_policy_costs_no_signing_call(self):
        # Option 6 refuses whatever chain the service would return: decided before signing.
        data = bytearray(self.read(self.policy))
        word, = struct.unpack_from('<I', data, 0x24)
        struct.pack_into('<I', data, 0x24, word | 0x80000)
        unsigned = self.write(self.path('unsigned.bin'), bytes(data))
        r, out = self.sign(inputs=[unsigned])
        self.assertExit(r, 5, 'Enabled:Unsigned System Integrity Policy')
        self.assertFalse(os.path.exists(out))
        self.assertEqual(self.mock.requests('sign_start'), 0)
        self.assertEqual(self.mock.requests('sign_poll'), 0)
        # The same policy with the override does reach the service, once.
        r, out = self.sign('--allow-unsigned-option', inputs=[unsigned])
        self.assertExit(r, 0, 'its signature will not protect it')
        self.assertEqual(self.mock.requests('sign_start'), 1)


class TransientFaultTest(TrustedSigningTest):
    """Each recovers; the mock's counters show the retries and the waits."""

    def recover(self, fault, kind, retries=1, min_gap=None, api_version=None):
        self.mock.configure(faults=[fault])
        r, out = self.sign(api_version=api_version)
        self.assertExit(r, 0)
        self.assertVerifies(out)
        stats = self.mock.stats()
        gaps = stats['retry_gaps'].get(kind, [])
        self.assertEqual(len(gaps), retries, stats['retry_gaps'])
        if min_gap is not None:
            self.assertGreaterEqual(min(gaps), min_gap)
        return stats

    def test_429_retry_after_seconds(self):
        stats = self.recover(self.fault('sign_start', status=429, headers={'Retry-After': '1'}),
                             'sign_start', min_gap=0.95)
        self.assertEqual(stats['requests']['sign_start'], 2)
        self.assertEqual(stats['requests']['token'], 1)

    def test_503_retry_after_http_date(self):
        when = email.utils.formatdate(time.time() + 2, usegmt=True)
        self.recover(self.fault('sign_start', status=503, headers={'Retry-After': when}),
                     'sign_start', min_gap=0.9)

    def test_429_retry_after_ms(self):
        self.recover(self.fault('sign_poll', status=429, headers={'retry-after-ms': '700'}),
                     'sign_poll', min_gap=0.65)

    def test_503_x_ms_retry_after_ms(self):
        self.recover(self.fault('sign_poll', status=503, headers={'x-ms-retry-after-ms': '600'}),
                     'sign_poll', min_gap=0.55, api_version='2024-06-15')

    def test_other_retryable_statuses(self):
        for status in (408, 500, 502, 504):
            with self.subTest(status=status):
                self.mock.reset()
                self.recover(self.fault('sign_start', status=status, times=2), 'sign_start',
                             retries=2)

    def test_dropped_connection(self):
        self.recover(self.fault('sign_poll', action='drop'), 'sign_poll')

    def test_dropped_connection_on_root_certificate(self):
        self.recover(self.fault('rootcert', action='drop'), 'rootcert')

    def test_slow_reply_beyond_request_timeout_is_retried(self):
        self.mock.configure(faults=[self.fault('sign_poll', action='slow', seconds=4)])
        r, out = self.sign('--request-timeout', '1')
        self.assertExit(r, 0)
        self.assertEqual(self.mock.requests('sign_poll'), 3)

    def test_transient_token_endpoint_failure(self):
        self.mock.configure(faults=[self.fault('token', status=503)])
        r, out = self.sign()
        self.assertExit(r, 0)
        self.assertEqual(self.mock.requests('token'), 2)


class PermanentFaultTest(TrustedSigningTest):
    """Each fails fast with the right code and an actionable message, and writes nothing."""

    def fail(self, faults, code, *messages, extra=(), config=None, api_version=None):
        self.mock.configure(faults=faults, **(config or {}))
        r, out = self.sign(*extra, api_version=api_version)
        self.assertExit(r, code)
        for m in messages:
            self.assertIn(m, r.err)
        self.assertFalse(os.path.exists(out))
        self.assertEqual(self.listing(), ['policy.bin'])
        return r

    def test_401_names_audience(self):
        r = self.fail([self.fault('sign_start', status=401)], 7, 'https://codesigning.azure.net',
                      'tenant', 'correlation id')
        self.assertEqual(self.mock.requests('sign_start'), 1)

    def test_403_empty_body_names_region_and_role(self):
        self.fail([self.fault('sign_start', status=403)], 6, 'region',
                  'Trusted Signing Certificate Profile Signer', 'Artifact Signing')
        self.assertEqual(self.mock.requests('sign_start'), 1)

    def test_400_shows_the_service_message(self):
        body = '{"errorDetail":{"code":"BadRequest","message":"Invalid digest"}}'
        self.fail([self.fault('sign_start', status=400, body=body)], 6, 'BadRequest: Invalid digest')
        self.assertEqual(self.mock.requests('sign_start'), 1)

    def test_404_wrong_names(self):
        r = self.cli('sign', self.policy, '--endpoint', self.mock.url, '--account', 'wrong-acct',
                     '--profile', 'wrong-prof', '--ca-file', self.mock.ca_file, '-o',
                     self.path('out.cip'))
        self.assertExit(r, 6, "'wrong-acct'")
        self.assertIn("'wrong-prof'", r.err)
        self.assertIn('NotFound', r.err)

    def test_500_tenant_is_null(self):
        body = '{"errorDetail":{"code":"InternalError","message":"ClaimsPrincipal TenantId is null."}}'
        self.fail([self.fault('sign_start', status=500, body=body, times=10)], 7, 'personal')
        self.assertEqual(self.mock.requests('sign_start'), 1)

    def test_operation_failed_shows_ids(self):
        for api in (None, '2024-06-15'):
            with self.subTest(api=api):
                self.mock.reset()
                r = self.fail([], 6, 'Failed', 'operation id', 'correlation id',
                              config={'final_status': 'Failed'}, api_version=api)

    def test_operation_timed_out_and_canceled(self):
        for status in ('TimedOut', 'Canceled'):
            self.mock.reset()
            self.fail([], 6, status, 'operation id', config={'final_status': status})

    def test_malformed_json(self):
        self.fail([self.fault('sign_start', action='malformed', status=202)], 6, 'not the expected JSON')

    def test_bad_signature_is_rejected(self):
        self.fail([], 6, 'does not verify', 'operation id', config={'bad_signature': True})

    def test_mismatched_chain_is_rejected(self):
        self.fail([], 6, 'does not verify', config={'mismatched_chain': True})

    def test_retries_give_up_within_the_deadline(self):
        self.fail([self.fault('sign_start', status=429, headers={'Retry-After': '100'})], 6,
                  'deadline', '--timeout', extra=('--timeout', '5'))
        self.assertEqual(self.mock.requests('sign_start'), 1)

    def test_persistent_503_gives_up_after_bounded_attempts(self):
        self.fail([self.fault('sign_start', status=503, times=100, headers={'Retry-After': '0'})],
                  6, 'HTTP 503')
        self.assertEqual(self.mock.requests('sign_start'), 6)

    def test_error_code_cannot_forge_a_diagnostic_line(self):
        body = ('{"error":{"code":"X\\ncipolicy: error: forged\\u001b[31m",'
                '"message":"' + 'M' * 100000 + '"}}')
        r = self.fail([self.fault('sign_start', status=400, body=body)], 6, 'X\\ncipolicy')
        lines = r.err.splitlines()
        self.assertTrue(all(l.startswith('cipolicy: ') for l in lines), r.err[:2000])
        errors = [l for l in lines if l.startswith('cipolicy: error: ')]
        self.assertEqual(len(errors), 1, r.err[:2000])
        self.assertNotIn('\x1b', r.err)
        self.assertLess(len(errors[0]), 2000)

    def test_retry_after_int64_max_is_clamped_not_overflowed(self):
        # Before: Clock::now() + 2^63-1 ms overflowed (UBSan) and the wait looked short.
        for header in ('Retry-After', 'retry-after-ms'):
            with self.subTest(header=header):
                self.mock.reset()
                self.fail([self.fault('sign_start', status=429,
                                      headers={header: '9223372036854775807'})],
                          6, 'deadline', extra=('--timeout', '5'))
                self.assertEqual(self.mock.requests('sign_start'), 1)

    def test_huge_answer_is_cut_off(self):
        self.fail([self.fault('sign_start', status=400, body='x' * (5 << 20))], 6,
                  'larger than 4 MB')

    def test_slow_reply_beyond_the_deadline(self):
        start = time.monotonic()
        self.fail([self.fault('sign_poll', action='slow', seconds=20)], 6, '--timeout',
                  extra=('--timeout', '3'))
        self.assertLess(time.monotonic() - start, 15)


if __name__ == '__main__':
    unittest.main(verbosity=2)
