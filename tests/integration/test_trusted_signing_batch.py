"""Many policies in one `sign` run against the mock: one token, one sign call per file, a bounded
number of connections, --continue-on-error and partial failure without partial output."""
import os
import unittest

from ts_support import TrustedSigningTest


class BatchTest(TrustedSigningTest):
    def make_batch(self, n):
        return [self.new_policy(f'p{i}.bin') for i in range(n)]

    def test_batch_one_token_bounded_connections(self):
        inputs = self.make_batch(12)
        self.mock.configure(latency_ms=50)
        before = self.mock.stats()['connections']
        out_dir = self.path('out')
        r, _ = self.sign('--output-dir', out_dir, '--jobs', '4', inputs=inputs, output='none')
        self.assertExit(r, 0)
        stats = self.mock.stats()
        self.assertEqual(stats['requests']['token'], 1)
        self.assertEqual(stats['requests']['sign_start'], 12)
        self.assertEqual(stats['requests']['rootcert'], 1)
        # At most one connection per worker (+ the token's and the admin calls').
        self.assertLessEqual(stats['connections'] - before, 4 + 2)
        self.assertEqual(len(os.listdir(out_dir)), 12)
        self.assertEqual(r.out.count('signed '), 12)
        for name in os.listdir(out_dir):
            self.assertExit(self.cli('verify', os.path.join(out_dir, name), '--root',
                                     self.mock.root_cer), 0)

    def test_partial_failure_leaves_no_partial_output(self):
        inputs = self.make_batch(6)
        self.mock.configure(faults=[self.fault('sign_start', status=403)])
        out_dir = self.path('out')
        r, _ = self.sign('--output-dir', out_dir, '--continue-on-error', '--json', inputs=inputs,
                         output='none')
        self.assertExit(r, 9)
        results = r.json()
        self.assertEqual([e['input'] for e in results], inputs)  # input order, whatever finished first
        failed = [e for e in results if e['status'] == 'failed']
        self.assertEqual(len(failed), 1)
        self.assertEqual(failed[0]['exitCode'], 6)
        self.assertEqual(len(os.listdir(out_dir)), 5)
        self.assertEqual(self.mock.stats()['requests']['token'], 1)

    def test_stop_at_first_failure_without_continue(self):
        inputs = self.make_batch(4)
        self.mock.configure(faults=[self.fault('sign_start', status=404, times=100)])
        r, _ = self.sign('--output-dir', self.path('out'), '--jobs', '1', inputs=inputs,
                         output='none')
        self.assertExit(r, 6)
        self.assertEqual(self.mock.stats()['requests']['sign_start'], 1)
        self.assertEqual(os.listdir(self.path('out')), [])

    def test_local_key_with_jobs(self):
        # --jobs works with a local key too (its default stays 1).
        pki = self.path('pki')
        self.assertExit(self.cli('dev-pki', '--out-dir', pki), 0)
        inputs = []
        for i in range(6):
            p = self.path(f'l{i}.bin')
            self.assertExit(self.cli('new-policy', '--update-signer', os.path.join(pki, 'root.cer'),
                                     '-o', p), 0)
            inputs.append(p)
        out_dir = self.path('local-out')
        r = self.cli('sign', *inputs, '--cert', os.path.join(pki, 'signer.pem'), '--key',
                     os.path.join(pki, 'signer.key'), '--chain', os.path.join(pki, 'chain.pem'),
                     '--output-dir', out_dir, '--jobs', '3')
        self.assertExit(r, 0)
        self.assertEqual(len(os.listdir(out_dir)), 6)
        for name in os.listdir(out_dir):
            self.assertExit(self.cli('verify', os.path.join(out_dir, name), '--root',
                                     os.path.join(pki, 'root.cer')), 0)

    def test_jobs_bounds(self):
        r, _ = self.sign('--jobs', '0')
        self.assertExit(r, 2, '--jobs')


if __name__ == '__main__':
    unittest.main(verbosity=2)
