"""How `cipolicy sign` polls a running signing operation, seen from the mock's side: how many
polls, and the least time between them (lower bounds only: a busy machine can only make gaps
longer). Short own intervals that double; once the service asks for a wait, never a shorter one;
the root certificate is fetched while the first operation runs, and never when signing fails."""
import itertools
import unittest

from ts_support import TrustedSigningTest

APIS = (None, '2024-06-15')  # operationId polling, Operation-Location polling
# The clocks of two processes and the server's read of a request line agree to a few ms; the
# rules tested are 50 ms apart or more.
SLACK = 0.01


class PollingTest(TrustedSigningTest):
    def arrivals(self, kind):
        return [h['time'] for h in self.mock.stats()['headers'] if h['kind'] == kind]

    def poll_gaps(self):
        """Seconds from the 202 to the first poll, then between successive polls."""
        times = self.arrivals('sign_start')[:1] + self.arrivals('sign_poll')
        return [b - a for a, b in zip(times, times[1:])]

    def sign_ok(self, api_version):
        r, out = self.sign(api_version=api_version)
        self.assertExit(r, 0)
        self.assertVerifies(out)

    def test_own_intervals_double_and_polling_stops_at_the_result(self):
        for api in APIS:
            with self.subTest(api=api):
                self.mock.reset()
                self.mock.configure(polls_in_progress=5)
                self.sign_ok(api)
                self.assertEqual(self.mock.requests('sign_poll'), 6)
                gaps = self.poll_gaps()
                self.assertEqual(len(gaps), 6)
                # The schedule: 50 ms after the 202, then 100, 200, 400, 800, 1600 ms from one
                # poll's start to the next, so poll k is sent no sooner than 50 * (2^k - 1) ms
                # after the 202. Checked on the arrival times counted from the 202: a poll that
                # arrives late (a new connection's TLS handshake, a slow Wine thread) makes only
                # its own gap longer and the next one shorter, never a sum shorter. A schedule that
                # does not double falls behind these sums by the third poll.
                elapsed = list(itertools.accumulate(gaps))
                for k, t in enumerate(elapsed, 1):
                    self.assertGreaterEqual(t, 0.05 * (2 ** k - 1) - SLACK, gaps)

    def test_retry_after_on_the_202_holds_for_every_poll(self):
        for api in APIS:
            with self.subTest(api=api):
                self.mock.reset()
                self.mock.configure(polls_in_progress=2, start_headers={'Retry-After': '1'})
                self.sign_ok(api)
                gaps = self.poll_gaps()
                self.assertEqual(len(gaps), 3)
                # Our own schedule would be 50, 100, 200 ms: the server's 1 s holds throughout.
                self.assertGreaterEqual(min(gaps), 1.0 - SLACK, gaps)

    def test_retry_after_ms_on_a_poll_holds_for_later_polls(self):
        self.mock.configure(polls_in_progress=3, poll_headers=[{'retry-after-ms': '600'}, {}])
        self.sign_ok('2024-06-15')
        gaps = self.poll_gaps()
        self.assertEqual(len(gaps), 4)
        # Asked for on the first poll only; the next three are each at least 600 ms apart.
        self.assertGreaterEqual(min(gaps[1:]), 0.6 - SLACK, gaps)

    def test_a_wait_beyond_the_deadline_on_the_202_ends_the_file_without_polling(self):
        self.mock.configure(start_headers={'Retry-After': '100'})
        r, _ = self.sign('--timeout', '5')
        self.assertExit(r, 6, 'did not finish within 5 s')
        self.assertEqual(self.mock.requests('sign_poll'), 0)

    def test_root_certificate_fetched_once_beside_the_operations(self):
        inputs = [self.new_policy(f'p{i}.bin') for i in range(6)]
        self.mock.configure(latency_ms=100, polls_in_progress=3)
        r, _ = self.sign('--output-dir', self.path('out'), inputs=inputs, output='none')
        self.assertExit(r, 0)
        seen = self.mock.stats()['headers']
        kinds = [h['kind'] for h in seen]
        self.assertEqual(kinds.count('rootcert'), 1)
        self.assertEqual(kinds.count('token'), 1)
        # Asked for after the first operation was accepted, before the last poll came back.
        root = next(h['time'] for h in seen if h['kind'] == 'rootcert')
        self.assertGreater(root, min(h['time'] for h in seen if h['kind'] == 'sign_start'))
        self.assertLess(root, max(h['time'] for h in seen if h['kind'] == 'sign_poll'))

    def test_no_root_certificate_request_when_signing_fails(self):
        self.mock.configure(faults=[self.fault('sign_start', status=403)])
        r, _ = self.sign()
        self.assertExit(r, 6)
        req = self.mock.stats()['requests']
        self.assertEqual(req.get('token'), 1)
        self.assertNotIn('rootcert', req)


if __name__ == '__main__':
    unittest.main()
