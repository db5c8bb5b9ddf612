"""One token per build (issue 19): a build that signs N policies through Trusted Signing asks the
service for one access token and one root certificate, whatever N and the build's parallelism.
Real cmake (Ninja, -j) and the real `dotnet build` against the Trusted Signing mock over TLS,
which counts requests; the token never appears in the build's output."""
import glob
import os
import shutil
import stat
import sys

from buildsupport import EXE, SOURCE_DIR, BuildTest, main, run, touch
from test_build_layers import SDK_PROJECT  # the SDK-style project with manual imports

sys.path.insert(0, os.path.join(SOURCE_DIR, 'tests', 'mock'))
import trusted_signing_mock as mockdef  # noqa: E402
from mock_service import MockService  # noqa: E402

DOTNET = shutil.which('dotnet')
MODULE = os.path.join(SOURCE_DIR, 'cmake-modules', 'CIPolicyFunctions.cmake')
N = 5
SECRETS = ['mock-access-token-', mockdef.CLIENT_SECRET]


class OneTokenPerBuild(BuildTest):
    @classmethod
    def setUpClass(cls):
        cls.mock = MockService().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.mock.__exit__(None, None, None)

    def setUp(self):
        super().setUp()
        self.mock.reset()
        # The credential comes from the variables, as on a CI machine; nothing else can answer.
        self.env = {'AZURE_TENANT_ID': mockdef.TENANT, 'AZURE_CLIENT_ID': mockdef.CLIENT_ID,
                    'AZURE_CLIENT_SECRET': mockdef.CLIENT_SECRET,
                    'AZURE_AUTHORITY_HOST': self.mock.url + '/',
                    'CIPOLICY_IMDS_ENDPOINT': 'https://127.0.0.1:9', 'CIPOLICY_CONFIG': '',
                    'CIPOLICY_ACCESS_TOKEN': '', 'AZURE_CLIENT_CERTIFICATE_PATH': '',
                    'AZURE_FEDERATED_TOKEN_FILE': '', 'IDENTITY_ENDPOINT': ''}

    def policies(self, folder):
        os.makedirs(folder, exist_ok=True)
        names = []
        for i in range(N):
            name = f'p{i + 1}.bin'
            self.ok(run([EXE, 'new-policy', '--update-signer', self.mock.root_cer,
                         '--policy-id', f'{{5e1f0c2a-0000-4000-8000-{i + 1:012d}}}',
                         '-o', os.path.join(folder, name)]))
            names.append(name)
        self.write(os.path.join(folder, 'cipolicy.yaml'),
                   f'provider: trusted-signing\ntrusted-signing:\n  endpoint: {self.mock.url}\n'
                   f'  account: {mockdef.ACCOUNT}\n  profile: {mockdef.PROFILE}\n'
                   f'http:\n  ca-file: {self.mock.ca_file}\ntimestamp:\n  disabled: true\n')
        return names

    def requests(self):
        r = self.mock.stats()['requests']
        return {k: r.get(k, 0) for k in ('token', 'rootcert', 'sign_start')}

    def assertNoSecrets(self, result):
        for s in SECRETS:
            self.assertNotIn(s, result.out, 'a secret reached the build log')

    def assertOwnerOnly(self, cache):
        self.assertEqual(stat.S_IMODE(os.stat(cache).st_mode), 0o700)
        entries = glob.glob(os.path.join(cache, '*.json'))
        self.assertEqual(len(entries), 2, os.listdir(cache))  # the token and the root certificate
        for e in entries:
            self.assertEqual(stat.S_IMODE(os.stat(e).st_mode), 0o600, e)

    def signed(self, folder):
        files = sorted(glob.glob(os.path.join(folder, '*.cip')))
        self.assertEqual(len(files), N, files)
        self.assertVerifies(self.mock.root_cer, *files)

    def test_cmake_ninja_parallel(self):
        src = self.path('src')
        names = self.policies(src)
        self.write(os.path.join(src, 'CMakeLists.txt'),
                   f'cmake_minimum_required(VERSION 3.25)\nproject(t LANGUAGES NONE)\n'
                   f'include("{MODULE}")\n'
                   f'cipolicy_sign(p ALL POLICIES {" ".join(names)} OUTPUT_DIR out)\n')
        b = self.path('build')
        self.ok(run(['cmake', '-S', src, '-B', b, '-G', 'Ninja', '-DCIPOLICY_EXECUTABLE=' + EXE],
                    env=self.env))
        r = self.ok(run(['cmake', '--build', b, '-j', str(N), '--', '-v'], env=self.env))
        self.assertNoSecrets(r)
        self.assertEqual(self.requests(), {'token': 1, 'rootcert': 1, 'sign_start': N}, r.out[-3000:])
        self.signed(os.path.join(b, 'out'))
        self.assertOwnerOnly(os.path.join(b, '.cipolicy-cache'))
        # One edited policy re-signs with the build's token: no new token, no new root.
        touch(os.path.join(src, names[0]))
        r = self.ok(run(['cmake', '--build', b, '-j', str(N)], env=self.env))
        self.assertNoSecrets(r)
        self.assertEqual(self.requests(), {'token': 1, 'rootcert': 1, 'sign_start': N + 1})

    def test_msbuild_sdk_project(self):
        if not DOTNET:
            self.skipTest('dotnet is not installed')
        app = self.path('app')
        self.policies(os.path.join(app, 'policies'))
        shutil.move(os.path.join(app, 'policies', 'cipolicy.yaml'), os.path.join(app, 'cipolicy.yaml'))
        self.write(os.path.join(app, 'app.csproj'), SDK_PROJECT)
        nuget = self.write(self.path('nuget.config'),
                           '<configuration><packageSources><clear /></packageSources></configuration>\n')
        env = dict(self.env, NUGET_PACKAGES=self.path('packages'))
        r = self.ok(run([DOTNET, 'build', '--configfile', nuget, '-nodeReuse:false', '-v:d',
                         '-p:CIPolicyToolPath=' + EXE], cwd=app, env=env))
        self.assertNoSecrets(r)
        self.assertEqual(self.requests(), {'token': 1, 'rootcert': 1, 'sign_start': N}, r.out[-3000:])
        self.signed(glob.glob(os.path.join(app, 'bin', 'Debug', '*'))[0])
        self.assertOwnerOnly(glob.glob(os.path.join(app, 'obj', 'Debug', '*', 'cipolicy', 'cache'))[0])


if __name__ == '__main__':
    main()
