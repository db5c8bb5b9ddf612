"""Every credential type against the mock's Entra ID, IMDS and App Service endpoints and a fake
`az`, the default chain's order, ExcludeCredentials, and that no secret is ever printed."""
import json
import os
import stat
import unittest

from support import WINE
from ts_support import TrustedSigningTest, mockdef

FAKE_AZ = '''#!/usr/bin/python3
import json, sys, os
with open(os.environ['FAKE_AZ_LOG'], 'a') as f:
    f.write(json.dumps(sys.argv[1:]) + '\\n')
if os.environ.get('FAKE_AZ_FAIL'):
    sys.stderr.write("ERROR: Please run 'az login' to setup account.\\n")
    sys.exit(1)
print(json.dumps({"accessToken": "static-token-from-az", "expiresOn": "2099-01-01 00:00:00.000000",
                  "expires_on": 4070908800, "tenant": "mock-tenant", "tokenType": "Bearer"}))
'''

# The Windows build runs az.cmd (a batch file, as the Azure CLI installs it): the same behaviour in
# cmd.exe's language, logging its arguments one per line between two markers.
FAKE_AZ_CMD = r'''@echo off
>>"%FAKE_AZ_LOG%" echo ---
for %%a in (%*) do >>"%FAKE_AZ_LOG%" echo %%~a
>>"%FAKE_AZ_LOG%" echo ===
if defined FAKE_AZ_FAIL (
  >&2 echo ERROR: Please run 'az login' to setup account.
  exit /b 1
)
echo {"accessToken": "static-token-from-az", "expiresOn": "2099-01-01 00:00:00.000000", "expires_on": 4070908800, "tenant": "mock-tenant", "tokenType": "Bearer"}
'''


def windows_path(path):
    """A Linux path as a Windows program under Wine sees it (Wine maps / to drive Z:)."""
    return 'Z:' + path.replace('/', '\\')


class CredentialTest(TrustedSigningTest):
    def signs_with(self, env, *extra, log=None):
        r, out = self.sign(*extra, env=env)
        self.assertExit(r, 0)
        self.assertVerifies(out)
        stats = self.mock.stats()
        if log:
            self.assertEqual(stats['log'], [log])
        return stats

    def fake_az(self, fail=False):
        # Under Wine, a folder with parentheses, as the Azure CLI's own "Program Files (x86)":
        # cmd.exe must still run az.cmd from it.
        bin_dir = self.path('Azure CLI (x86)' if WINE else 'bin')
        os.makedirs(bin_dir, exist_ok=True)
        self.mock.configure(access_tokens=['static-token-from-az'])
        if WINE:
            self.write(os.path.join(bin_dir, 'az.cmd'), FAKE_AZ_CMD.replace('\n', '\r\n').encode())
            # Wine builds the Windows PATH from its registry and prepends WINEPATH.
            env = dict(WINEPATH=windows_path(bin_dir), FAKE_AZ_LOG=windows_path(self.path('az.log')))
        else:
            az = self.write(os.path.join(bin_dir, 'az'), FAKE_AZ.encode())
            os.chmod(az, os.stat(az).st_mode | stat.S_IEXEC)
            env = dict(PATH=bin_dir + ':/usr/bin:/bin', FAKE_AZ_LOG=self.path('az.log'))
        if fail:
            env['FAKE_AZ_FAIL'] = '1'
        return env

    def az_calls(self):
        if not os.path.exists(self.path('az.log')):
            return []
        with open(self.path('az.log')) as f:
            if not WINE:
                return [json.loads(l) for l in f]
            calls = []
            for line in f.read().splitlines():
                if line == '---':
                    calls.append([])
                elif line != '===':
                    calls[-1].append(line)
            return calls

    def test_client_secret(self):
        stats = self.signs_with(self.env(), log='token:secret')
        self.assertEqual(stats['requests']['token'], 1)

    def test_wrong_client_secret(self):
        env = self.env(AZURE_CLIENT_SECRET='not-the-secret-value')
        r, out = self.sign(env=env)
        self.assertExit(r, 7, 'AADSTS7000215')
        self.assertNotIn('not-the-secret-value', r.out + r.err)
        self.assertFalse(os.path.exists(out))

    def test_wrong_tenant(self):
        r, out = self.sign(env=self.env(AZURE_TENANT_ID='other-tenant'))
        self.assertExit(r, 7, 'other-tenant')

    def test_client_certificate(self):
        env = self.env(credential=None, AZURE_TENANT_ID=mockdef.TENANT,
                       AZURE_CLIENT_ID=mockdef.CLIENT_ID,
                       AZURE_CLIENT_CERTIFICATE_PATH=self.mock.file('client.pem'))
        self.signs_with(env, log='token:certificate')
        self.signs_with(env, '--credential', 'client-certificate')

    def test_workload_identity(self):
        token_file = self.write(self.path('federated'), mockdef.FEDERATED_TOKEN.encode())
        env = self.env(credential=None, AZURE_TENANT_ID=mockdef.TENANT,
                       AZURE_CLIENT_ID=mockdef.CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE=token_file)
        self.signs_with(env, log='token:federated')

    def test_managed_identity_imds(self):
        env = self.env(credential=None, CIPOLICY_IMDS_ENDPOINT=self.mock.url)
        self.signs_with(env, log='managed:system')
        self.mock.reset()
        env['AZURE_CLIENT_ID'] = 'user-assigned-id'
        self.signs_with(env, '--credential', 'managed-identity', log='managed:user-assigned-id')

    def test_managed_identity_app_service(self):
        env = self.env(credential=None, IDENTITY_ENDPOINT=self.mock.url + '/appservice/identity',
                       IDENTITY_HEADER=mockdef.IDENTITY_HEADER)
        self.signs_with(env, '--credential', 'ManagedIdentityCredential', log='managed:system')

    def test_azure_cli(self):
        env = self.env(credential=None, **self.fake_az(), AZURE_TENANT_ID='mock-tenant')
        self.signs_with(env)
        self.assertEqual(self.az_calls(), [['account', 'get-access-token', '--output', 'json',
                                            '--resource', 'https://codesigning.azure.net',
                                            '--tenant', 'mock-tenant']])

    def test_azure_cli_not_logged_in(self):
        env = self.env(credential=None, **self.fake_az(fail=True))
        r, out = self.sign('--credential', 'azure-cli', env=env)
        self.assertExit(r, 7, 'az login')

    def test_access_token_variable_and_file(self):
        self.mock.configure(access_tokens=['static-token-handed-over'])
        env = self.env(credential=None, CIPOLICY_ACCESS_TOKEN='static-token-handed-over')
        stats = self.signs_with(env)
        self.assertNotIn('token', stats['requests'])
        token_file = self.write(self.path('token.txt'), b'static-token-handed-over\n')
        self.signs_with(self.env(credential=None), '--access-token-file', token_file)
        self.signs_with(self.env(credential=None), '--credential', 'access-token',
                        '--access-token-file', token_file)

    def test_expired_access_token_is_a_401(self):
        env = self.env(credential=None, CIPOLICY_ACCESS_TOKEN='static-token-expired')
        r, out = self.sign(env=env)
        self.assertExit(r, 7, 'https://codesigning.azure.net')

    def test_default_chain_prefers_environment_over_cli(self):
        env = self.env(**self.fake_az())
        self.signs_with(env, log='token:secret')
        self.assertEqual(self.az_calls(), [])

    def test_exclude_credentials_from_metadata(self):
        env = self.env(**self.fake_az())
        meta = self.write(self.path('metadata.json'), json.dumps({
            'Endpoint': self.mock.url, 'CodeSigningAccountName': mockdef.ACCOUNT,
            'CertificateProfileName': mockdef.PROFILE,
            'ExcludeCredentials': ['EnvironmentCredential', 'ManagedIdentityCredential']}).encode())
        r = self.cli('sign', self.policy, '--metadata', meta, '--ca-file', self.mock.ca_file, '-o',
                     self.path('out.cip'), env=env)
        self.assertExit(r, 0)
        self.assertEqual(len(self.az_calls()), 1)
        self.assertNotIn('token', self.mock.stats()['requests'])

    def test_no_credential_lists_what_was_tried(self):
        r, out = self.sign(env=self.env(credential=None))
        self.assertExit(r, 7, 'no credential available')
        for name in ('EnvironmentCredential', 'WorkloadIdentityCredential',
                     'ManagedIdentityCredential', 'AzureCliCredential'):
            self.assertIn(name, r.err)

    def test_unknown_credential_type(self):
        r, out = self.sign('--credential', 'magic')
        self.assertExit(r, 2, 'azure-cli')

    def test_chosen_credential_without_inputs(self):
        r, out = self.sign('--credential', 'workload-identity')
        self.assertExit(r, 7, 'AZURE_FEDERATED_TOKEN_FILE')


class TokenDeadlineTest(TrustedSigningTest):
    """The Entra token request honours --timeout and --request-timeout like every other request
    (issue 20, item 14). Counted at the mock, never timed in the client."""

    def test_retry_after_beyond_the_deadline_is_not_waited_for(self):
        # Before: a fixed 3 attempts, waiting what the server asked (up to 30 s) each time.
        self.mock.configure(faults=[self.fault('token', status=503, times=3,
                                               headers={'Retry-After': '5'})])
        r, out = self.sign('--timeout', '2')
        self.assertExit(r, 7, '--timeout')
        self.assertIn('deadline', r.err)
        self.assertEqual(self.mock.requests('token'), 1)
        self.assertEqual(self.mock.requests('sign_start'), 0)
        self.assertFalse(os.path.exists(out))

    def test_slow_token_answer_is_cut_at_the_request_timeout_and_retried(self):
        # Before: a fixed 60 s per token request, so the slow answer was waited for.
        self.mock.configure(faults=[self.fault('token', action='slow', seconds=8)])
        r, out = self.sign('--request-timeout', '1')
        self.assertExit(r, 0)
        self.assertVerifies(out)
        self.assertEqual(self.mock.requests('token'), 2)


if __name__ == '__main__':
    unittest.main(verbosity=2)
