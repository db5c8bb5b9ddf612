"""Shared setup of the Trusted Signing end-to-end tests: one mock service per test class, reset
before each test, and the CLI arguments and variables that point cipolicy at it."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'mock'))

import trusted_signing_mock as mockdef  # noqa: E402
from mock_service import MockService  # noqa: E402
from support import WINE, CliTest, openssl, run  # noqa: E402

SECRETS = [mockdef.CLIENT_SECRET, mockdef.FEDERATED_TOKEN, mockdef.IDENTITY_HEADER,
           'mock-access-token-', 'static-token-']

# Variables of the developer's own environment that would change which credential is chosen.
_CLEARED = ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET',
            'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_FEDERATED_TOKEN_FILE', 'IDENTITY_ENDPOINT',
            'IDENTITY_HEADER', 'CIPOLICY_ACCESS_TOKEN', 'CIPOLICY_CONFIG', 'CIPOLICY_PROVIDER',
            'CIPOLICY_ENDPOINT', 'CIPOLICY_METADATA', 'SSL_CERT_FILE', 'CURL_CA_BUNDLE',
            'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy']


class TrustedSigningTest(CliTest):
    @classmethod
    def setUpClass(cls):
        cls.mock = MockService().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.mock.__exit__(None, None, None)

    def setUp(self):
        super().setUp()
        self.mock.reset()
        self.policy = self.new_policy('policy.bin')

    def new_policy(self, name):
        out = self.path(name)
        self.assertExit(run('new-policy', '--update-signer', self.mock.root_cer, '-o', out), 0)
        return out

    def service_args(self, api_version=None):
        args = ['--endpoint', self.mock.url, '--account', mockdef.ACCOUNT, '--profile',
                mockdef.PROFILE, '--ca-file', self.mock.ca_file]
        if api_version:
            args += ['--api-version', api_version]
        return args

    def env(self, credential='secret', **extra):
        """A clean environment with one kind of credential; IMDS points at a closed port and
        PATH has no `az`, so nothing else can answer by accident."""
        env = {k: '' for k in _CLEARED}
        env['AZURE_AUTHORITY_HOST'] = self.mock.url + '/'
        env['CIPOLICY_IMDS_ENDPOINT'] = 'https://127.0.0.1:9'
        env['PATH'] = '/usr/bin:/bin'
        if credential == 'secret':
            env.update(AZURE_TENANT_ID=mockdef.TENANT, AZURE_CLIENT_ID=mockdef.CLIENT_ID,
                       AZURE_CLIENT_SECRET=mockdef.CLIENT_SECRET)
        env.update(extra)
        if WINE:
            # Windows variable names ignore case: of HTTPS_PROXY and https_proxy only one can
            # exist there, so an empty one must not hide a set one.
            for k in [k for k, v in env.items() if not v]:
                if any(o != k and o.upper() == k.upper() and env[o] for o in env):
                    del env[k]
        return env

    def cli(self, *args, env=None, **kw):
        # Timestamping (on by default with Trusted Signing) is tested with its own mock elsewhere;
        # these tests must not reach timestamp.acs.microsoft.com.
        if args and args[0] == 'sign' and '--no-timestamp' not in args:
            args = (*args, '--no-timestamp')
        r = run(*args, env=env if env is not None else self.env(), **kw)
        self.assertNoSecrets(r)
        return r

    def sign(self, *extra, inputs=None, env=None, output=None, api_version=None):
        output = output or self.path('signed.cip')
        args = ['sign', *(inputs or [self.policy]), *self.service_args(api_version), *extra]
        if output != 'none':
            args += ['-o', output]
        return self.cli(*args, env=env), output

    def assertNoSecrets(self, result):
        for secret in SECRETS:
            self.assertNotIn(secret, result.out + result.err, 'a secret leaked')

    def assertVerifies(self, signed):
        content = self.path('content.bin')
        v = openssl('cms', '-verify', '-binary', '-inform', 'DER', '-in', signed, '-purpose', 'any',
                    '-CAfile', self.mock.root_pem, '-out', content)
        self.assertEqual(v.returncode, 0, v.stderr)
        self.assertEqual(self.read(content), self.read(self.policy))
        self.assertExit(run('verify', signed, '--root', self.mock.root_cer), 0)

    def fault(self, kind, action='status', times=1, **kw):
        return dict(kind=kind, action=action, times=times, **kw)
