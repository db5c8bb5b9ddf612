"""--build-cache: the runs of one build share one access token and one root certificate through
owner-only files that expire with the token; anything damaged, foreign or near its expiry is
fetched anew, and a different identity never reads another's token. Against the Trusted Signing
mock, which counts requests."""
import base64
import glob
import json
import os
import stat
import unittest

from support import WINE
from ts_support import TrustedSigningTest  # noqa: I100 (puts tests/mock on the path)
from mock_service import MockService  # noqa: E402


class BuildCacheTest(TrustedSigningTest):
    def setUp(self):
        super().setUp()
        self.cache = self.path('build', 'cache')

    def sign_with_cache(self, name, *extra, env=None):
        policy = self.new_policy(name + '.bin')
        r, out = self.sign('--build-cache', self.cache, *extra, inputs=[policy],
                           output=self.path(name + '.cip'), env=env)
        return r, out

    def assertSigned(self, signed):
        self.assertExit(self.cli('verify', signed, '--root', self.mock.root_cer), 0)

    def entry(self, kind):
        files = glob.glob(os.path.join(self.cache, kind + '-*.json'))
        self.assertEqual(len(files), 1, os.listdir(self.cache))
        return files[0]

    def cached_token(self):
        with open(self.entry('token')) as f:
            return base64.b64decode(json.load(f)['value']).decode()

    def sent_tokens(self, kind):
        return [h['headers']['authorization'][len('Bearer '):]
                for h in self.mock.stats()['headers'] if h['kind'] == kind]

    def test_runs_share_one_token_and_one_root_certificate(self):
        for i in range(3):
            r, out = self.sign_with_cache(f'p{i}')
            self.assertExit(r, 0)
            self.assertSigned(out)
        requests = self.mock.stats()['requests']
        self.assertEqual(requests['token'], 1)
        self.assertEqual(requests['rootcert'], 1)
        self.assertEqual(requests['sign_start'], 3)
        token_file = self.entry('token')
        with open(token_file) as f:
            stored = json.load(f)
        # The file holds what it is for only as a digest, never in its name.
        self.assertNotIn('mock-access-token-', os.path.basename(token_file))
        self.assertNotIn(self.mock.url, json.dumps(stored['key']))
        if not WINE:
            self.assertEqual(stat.S_IMODE(os.stat(self.cache).st_mode), 0o700)
            for f in os.listdir(self.cache):
                if f.endswith('.json'):
                    self.assertEqual(stat.S_IMODE(os.stat(os.path.join(self.cache, f)).st_mode),
                                     0o600, f)

    def test_without_the_setting_each_run_asks(self):
        for i in range(2):
            policy = self.new_policy(f'p{i}.bin')
            r, _ = self.sign(inputs=[policy], output=self.path(f'p{i}.cip'))
            self.assertExit(r, 0)
        self.assertEqual(self.mock.stats()['requests']['token'], 2)

    def test_token_near_its_expiry_is_not_used(self):
        # Eight minutes: usable by one run, but inside the cache's ten-minute margin.
        self.mock.configure(expires_in=480)
        for i in range(2):
            self.assertExit(self.sign_with_cache(f'p{i}')[0], 0)
        requests = self.mock.stats()['requests']
        self.assertEqual(requests['token'], 2)
        self.assertEqual(requests['rootcert'], 1)

    def test_expired_entry_is_not_used(self):
        self.assertExit(self.sign_with_cache('p0')[0], 0)
        path = self.entry('token')
        with open(path) as f:
            stored = json.load(f)
        stored['expires_on'] = 1_000_000_000  # 2001
        with open(path, 'w') as f:
            json.dump(stored, f)
        self.assertExit(self.sign_with_cache('p1')[0], 0)
        self.assertEqual(self.mock.stats()['requests']['token'], 2)

    def test_damaged_entry_is_passed_over(self):
        self.assertExit(self.sign_with_cache('p0')[0], 0)
        for kind in ('token', 'rootcert'):
            with open(self.entry(kind), 'w') as f:
                f.write('{"format": "cipolicy-build-cache/1", "value": 7')
        r, out = self.sign_with_cache('p1', '--verbose')
        self.assertExit(r, 0)
        self.assertSigned(out)
        requests = self.mock.stats()['requests']
        self.assertEqual((requests['token'], requests['rootcert']), (2, 2))
        self.assertIn('its token entry is damaged or not this tool\'s; fetching anew', r.err)
        self.assertIn('its rootcert entry is damaged', r.err)

    @unittest.skipIf(WINE, 'POSIX modes')
    def test_entry_others_can_read_is_not_trusted(self):
        self.assertExit(self.sign_with_cache('p0')[0], 0)
        os.chmod(self.entry('token'), 0o644)
        self.assertExit(self.sign_with_cache('p1')[0], 0)
        self.assertEqual(self.mock.stats()['requests']['token'], 2)
        # Rewritten owner-only.
        self.assertEqual(stat.S_IMODE(os.stat(self.entry('token')).st_mode), 0o600)

    def test_another_identity_never_reads_the_token(self):
        self.assertExit(self.sign_with_cache('p0')[0], 0)
        # Another client of the same tenant: the mock refuses it, so the run fails, having asked
        # for its own token instead of using the first client's.
        r, _ = self.sign_with_cache('p1', env=self.env(AZURE_CLIENT_ID='another-client'))
        self.assertNotEqual(r.code, 0)
        self.assertEqual(self.mock.stats()['requests']['token'], 2)
        self.assertEqual(len(glob.glob(os.path.join(self.cache, 'token-*.json'))), 1)

    def test_revoked_cached_token_is_dropped_and_renewed(self):
        # A role removed or a token revoked after run 1: run 2 sends the cached token once, drops
        # it on the 401, signs with a new one and leaves that for the runs after it.
        self.assertExit(self.sign_with_cache('p0')[0], 0)
        old = self.cached_token()
        self.mock.revoke_tokens()
        r, out = self.sign_with_cache('p1', '--verbose')
        self.assertExit(r, 0)
        self.assertSigned(out)
        requests = self.mock.stats()['requests']
        self.assertEqual((requests['token'], requests['sign_start']), (2, 3))
        new = self.cached_token()
        self.assertNotEqual(new, old)
        self.assertEqual(self.sent_tokens('sign_start'), [old, old, new])
        self.assertIn('its token entry was refused by the service; removed', r.err)
        for token in (old, new):
            self.assertNotIn(token, r.out + r.err)
        self.assertExit(self.sign_with_cache('p2')[0], 0)
        self.assertEqual(self.mock.requests('token'), 2)

    def test_refused_fresh_token_fails_at_once_and_is_not_kept(self):
        # A token this run fetched is as good as it gets: no second request, exit 7 as before,
        # and the next run does not inherit the refused token.
        self.mock.configure(faults=[{'kind': 'sign_start', 'status': 401}])
        r, _ = self.sign_with_cache('p0')
        self.assertExit(r, 7, 'the access token was refused')
        requests = self.mock.stats()['requests']
        self.assertEqual((requests['token'], requests['sign_start']), (1, 1))
        self.assertEqual(glob.glob(os.path.join(self.cache, 'token-*.json')), [])

    def test_refused_renewed_token_fails_after_one_renewal(self):
        # The identity has lost its role for good: the cached token and the new one are both
        # refused, and the run stops after the one renewal, with the usual message.
        self.assertExit(self.sign_with_cache('p0')[0], 0)
        self.mock.revoke_tokens()
        self.mock.configure(faults=[{'kind': 'sign_start', 'status': 401, 'times': 2}])
        r, _ = self.sign_with_cache('p1')
        self.assertExit(r, 7, 'the access token was refused')
        requests = self.mock.stats()['requests']
        self.assertEqual((requests['token'], requests['sign_start']), (2, 3))


class KeyVaultBuildCacheTest(TrustedSigningTest):
    """Key Vault's token (audience https://vault.azure.net) through the same cache."""

    @classmethod
    def setUpClass(cls):
        cls.mock = MockService('key_vault_mock.py').__enter__()

    def test_runs_share_one_vault_token(self):
        cache = self.path('cache')
        for i in range(3):
            policy = self.new_policy(f'p{i}.bin')
            out = self.path(f'p{i}.cip')
            r = self.cli('sign', policy, '--key-vault', self.mock.url, '--key-vault-certificate',
                         'policy-signer', '--chain', self.mock.file('intermediate.pem'),
                         '--root', self.mock.root_cer, '--ca-file', self.mock.ca_file, '--build-cache', cache, '-o', out)
            self.assertExit(r, 0)
            self.assertExit(self.cli('verify', out, '--root', self.mock.root_cer), 0)
        requests = self.mock.stats()['requests']
        self.assertEqual((requests['token'], requests['sign']), (1, 3))
        self.assertEqual(len(glob.glob(os.path.join(cache, 'token-*.json'))), 1)

    def test_revoked_cached_vault_token_is_renewed(self):
        cache = self.path('cache')

        def sign(name):
            out = self.path(name + '.cip')
            r = self.cli('sign', self.new_policy(name + '.bin'), '--key-vault', self.mock.url,
                         '--key-vault-certificate', 'policy-signer', '--chain',
                         self.mock.file('intermediate.pem'), '--root', self.mock.root_cer,
                         '--ca-file', self.mock.ca_file, '--build-cache', cache, '-o', out)
            return r, out

        def cached_token():
            files = glob.glob(os.path.join(cache, 'token-*.json'))
            self.assertEqual(len(files), 1)
            with open(files[0]) as f:
                return json.load(f)['value']

        self.assertExit(sign('p0')[0], 0)
        old = cached_token()
        self.mock.revoke_tokens()
        r, out = sign('p1')
        self.assertExit(r, 0)
        self.assertExit(self.cli('verify', out, '--root', self.mock.root_cer), 0)
        requests = self.mock.stats()['requests']
        # Run 2: the certificate read is refused once, then a new token, then both calls work.
        self.assertEqual((requests['token'], requests['certificate'], requests['sign']), (2, 3, 2))
        self.assertNotEqual(cached_token(), old)


if __name__ == '__main__':
    unittest.main(verbosity=2)
