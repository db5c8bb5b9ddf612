"""What scripts/release.sh wrote, tested as a user gets it: SHA256SUMS checked by sha256sum; the
archives' folders; the Linux executables fully static, stripped, at most 15 MB; each one extracted
from its tarball and run in an empty chroot holding nothing but it (arm64 through qemu-user, itself
copied in): --version, dev-pki, new-policy, sign, verify, and what a dynamic build gets from the
system (DNS through a local name server, the CA bundle of each distribution's layout, HTTPS_PROXY,
PKCS#11's one-line refusal); the NuGet package's metadata, size and tools, installed from a local
folder feed into a fresh SDK-style project and a plain (packages.config-style) project, each
building a .cip that verifies.

Usage: test_release.py DIST_DIR [TEST...]   (skips, 77, when DIST_DIR has no release)"""
import glob
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tarfile
import tempfile
import threading
import unittest
import xml.etree.ElementTree as ET
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path[:0] = [os.path.join(ROOT, 'tests', 'integration'), os.path.join(ROOT, 'tests', 'mock')]
from connect_proxy import ConnectProxy  # noqa: E402
from tsa import Tsa  # noqa: E402

DIST = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else ''
SKIP = 77
QEMU = shutil.which('qemu-aarch64-static')
CHROOT = shutil.which('chroot') or '/usr/sbin/chroot'
DOTNET = shutil.which('dotnet')
EM_X86_64, EM_AARCH64 = 62, 183
MB = 1024 * 1024


def read_file(path, mode='r'):
    """The whole file, closed again (no ResourceWarning in the log)."""
    with open(path, mode, **({} if 'b' in mode else {'encoding': 'utf-8'})) as f:
        return f.read()


def declared_version():
    text = read_file(os.path.join(ROOT, 'CMakeLists.txt'))
    return re.search(r'project\(cipolicy VERSION (\S+)', text).group(1)


VERSION = declared_version()
COMMIT = subprocess.run(['git', '-C', ROOT, 'rev-parse', 'HEAD'], capture_output=True,
                        text=True).stdout.strip()
ARCHIVES = {'linux-x64': f'cipolicy-{VERSION}-linux-x64.tar.gz',
            'linux-arm64': f'cipolicy-{VERSION}-linux-arm64.tar.gz',
            'win-x64': f'cipolicy-{VERSION}-win-x64.zip'}
NUPKG = f'CIPolicy.Build.{VERSION}.nupkg'


def elf_facts(data):
    """(machine, program header types, section names) of a little-endian ELF64 file."""
    assert data[:4] == b'\x7fELF' and data[4] == 2 and data[5] == 1, 'not a little-endian ELF64'
    (machine,) = struct.unpack_from('<H', data, 18)
    phoff, shoff = struct.unpack_from('<QQ', data, 32)
    phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from('<HHHHH', data, 54)
    types = [struct.unpack_from('<I', data, phoff + i * phentsize)[0] for i in range(phnum)]
    sections = []
    if shnum:
        strtab_off = struct.unpack_from('<Q', data, shoff + shstrndx * shentsize + 24)[0]
        for i in range(shnum):
            name_off = struct.unpack_from('<I', data, shoff + i * shentsize)[0]
            end = data.index(b'\0', strtab_off + name_off)
            sections.append(data[strtab_off + name_off:end].decode())
    return machine, types, sections


class NameServer:
    """A DNS server for one name on a loopback address of its own, port 53 (what a resolv.conf
    can name): A records for `name`, empty NOERROR answers for anything else it is asked."""

    def __init__(self, name, address='127.0.0.1'):
        self.name, self.address, self.asked = name.lower(), address, []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for last in range(2, 250):
            try:
                self.host = f'127.53.{os.getpid() % 250}.{last}'
                self.sock.bind((self.host, 53))
                break
            except OSError:
                continue
        else:
            raise OSError('no free loopback address for a name server')
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                query, peer = self.sock.recvfrom(512)
            except OSError:
                return
            labels, i = [], 12
            while query[i]:
                labels.append(query[i + 1:i + 1 + query[i]].decode().lower())
                i += 1 + query[i]
            qtype = struct.unpack_from('>H', query, i + 1)[0]
            question = query[12:i + 5]
            name = '.'.join(labels)
            self.asked.append((name, qtype))
            answers = b''
            if name == self.name and qtype == 1:
                answers = (b'\xc0\x0c' + struct.pack('>HHIH', 1, 1, 60, 4) +
                           socket.inet_aton(self.address))
            header = query[:2] + struct.pack('>HHHHH', 0x8180, 1, 1 if answers else 0, 0, 0)
            self.sock.sendto(header + question + answers, peer)

    def close(self):
        self.sock.close()


class Release(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='cipolicy-release-test-')
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def extract(self, platform):
        """The archive of `platform` extracted; returns its top folder."""
        archive = os.path.join(DIST, ARCHIVES[platform])
        out = self.path('x-' + platform)
        if archive.endswith('.zip'):
            with zipfile.ZipFile(archive) as z:
                z.extractall(out)
        else:
            with tarfile.open(archive) as t:
                t.extractall(out, filter='tar') if hasattr(tarfile, 'tar_filter') else t.extractall(out)
        top = os.path.join(out, ARCHIVES[platform].rsplit('.tar.gz', 1)[0].rsplit('.zip', 1)[0])
        self.assertTrue(os.path.isdir(top), os.listdir(out))
        return top

    # ---- archives and checksums ----------------------------------------------------------------
    def test_checksums_cover_every_artifact_and_match(self):
        sums = read_file(os.path.join(DIST, 'SHA256SUMS')).splitlines()
        named = sorted(line.split(None, 1)[1].lstrip('*') for line in sums)
        self.assertEqual(named, sorted(n for n in os.listdir(DIST) if n != 'SHA256SUMS'))
        # The release workflow adds macOS archives; nothing else.
        self.assertEqual([n for n in named if n not in (*ARCHIVES.values(), NUPKG)],
                         [n for n in named if re.fullmatch(rf'cipolicy-{re.escape(VERSION)}-osx-(arm64|x64)\.tar\.gz', n)])
        self.assertLessEqual({*ARCHIVES.values(), NUPKG}, set(named))
        r = subprocess.run(['sha256sum', '--check', '--strict', 'SHA256SUMS'], cwd=DIST,
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_archives_hold_the_tool_cmake_package_msbuild_files_samples_and_docs(self):
        for platform in ARCHIVES:
            with self.subTest(platform=platform):
                top = self.extract(platform)
                exe = 'bin/cipolicy.exe' if platform.startswith('win') else 'bin/cipolicy'
                for rel in (exe, 'lib/cmake/CIPolicy/CIPolicyConfig.cmake',
                            'lib/cmake/CIPolicy/CIPolicyConfigVersion.cmake',
                            'share/cipolicy/msbuild/build/CIPolicy.Build.targets',
                            'share/cipolicy/templates/policy/SignableBase.xml',
                            'share/cipolicy/samples', 'share/doc/cipolicy/README.md'):
                    self.assertTrue(os.path.exists(os.path.join(top, rel)), rel)
                version_file = read_file(os.path.join(top, 'lib/cmake/CIPolicy/CIPolicyConfigVersion.cmake'))
                self.assertIn(f'"{VERSION}"', version_file)

    # ---- static executables --------------------------------------------------------------------
    def test_linux_executables_are_static_stripped_and_small(self):
        for platform, machine in (('linux-x64', EM_X86_64), ('linux-arm64', EM_AARCH64)):
            with self.subTest(platform=platform):
                exe = os.path.join(self.extract(platform), 'bin', 'cipolicy')
                self.assertTrue(os.access(exe, os.X_OK))
                data = read_file(exe, 'rb')
                self.assertLessEqual(len(data), 15 * MB)
                got_machine, types, sections = elf_facts(data)
                self.assertEqual(got_machine, machine)
                self.assertNotIn(3, types, 'PT_INTERP: needs a dynamic loader')
                self.assertNotIn(2, types, 'PT_DYNAMIC: has a dynamic section')
                self.assertNotIn('.dynamic', sections)
                self.assertNotIn('.symtab', sections, 'not stripped')
                self.assertFalse([s for s in sections if s.startswith('.debug')], sections)

    def chroot(self, platform):
        """An empty folder holding the platform's executable alone (and qemu-user for arm64);
        returns (root, command prefix)."""
        exe = os.path.join(self.extract(platform), 'bin', 'cipolicy')
        root = self.path('chroot-' + platform)
        os.makedirs(root)
        shutil.copy2(exe, os.path.join(root, 'cipolicy'))
        if platform == 'linux-arm64':
            shutil.copy2(QEMU, os.path.join(root, 'qemu'))
            return root, [CHROOT, root, '/qemu', '/cipolicy']
        return root, [CHROOT, root, '/cipolicy']

    def run_in(self, command, *args, env=None):
        return subprocess.run([*command, *args], capture_output=True, text=True, timeout=300,
                              env=env or {})

    def ok(self, r):
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r

    def round_trip(self, platform):
        root, cipolicy = self.chroot(platform)
        v = self.ok(self.run_in(cipolicy, '--version'))
        self.assertEqual(v.stdout, f'cipolicy {VERSION} (commit {COMMIT})\n')
        self.ok(self.run_in(cipolicy, 'dev-pki', '--out-dir', '/pki'))
        self.ok(self.run_in(cipolicy, 'new-policy', '--update-signer', '/pki/root.cer', '-o', '/p.bin'))
        key = ['--cert', '/pki/signer.pem', '--key', '/pki/signer.key', '--chain', '/pki/chain.pem']
        self.ok(self.run_in(cipolicy, 'sign', '/p.bin', *key, '-o', '/p.cip'))
        v = self.ok(self.run_in(cipolicy, 'verify', '/p.cip', '--root', '/pki/root.pem'))
        self.assertIn('valid', v.stdout)
        # The signature, checked outside by openssl against the same root.
        r = subprocess.run(['openssl', 'cms', '-verify', '-binary', '-inform', 'DER', '-in',
                            os.path.join(root, 'p.cip'), '-purpose', 'any', '-CAfile',
                            os.path.join(root, 'pki', 'root.pem'), '-out', self.path('content')],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(read_file(self.path('content'), 'rb'),
                         read_file(os.path.join(root, 'p.bin'), 'rb'))
        # PKCS#11 needs a module loaded into the process: refused in one line, exit 2.
        r = self.run_in(cipolicy, 'sign', '/p.bin', '--pkcs11-module', '/lib/opensc-pkcs11.so',
                        '--pkcs11-uri', 'pkcs11:token=t;object=o', '--pin-env', 'PIN', '-o', '/q.cip')
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn('PKCS#11 is not available in this build', r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        return root, cipolicy

    def test_x64_round_trip_in_an_empty_chroot(self):
        self.round_trip('linux-x64')

    @unittest.skipUnless(QEMU, 'qemu-user-static is not installed')
    def test_arm64_round_trip_in_an_empty_chroot_under_qemu(self):
        self.round_trip('linux-arm64')

    def test_network_in_an_empty_chroot_dns_ca_layouts_and_proxy(self):
        """Timestamps from a local TSA: over HTTP from http://tsa.cipolicy.test, the name resolved
        by the name server /etc/resolv.conf names (no NSS module, no /etc/hosts); over HTTPS with
        the TLS CA found where each distribution keeps its bundle, or given by SSL_CERT_FILE or
        --ca-file, and through the proxy HTTPS_PROXY names; without any CA, a one-line error."""
        root, cipolicy = self.round_trip('linux-x64')
        key = ['sign', '/p.bin', '--cert', '/pki/signer.pem', '--key', '/pki/signer.key',
               '--chain', '/pki/chain.pem', '--timestamp-timeout', '20', '--timestamp-retries', '0']

        def sign(out, url, *extra, env=None):
            return self.run_in(cipolicy, *key, '--timestamp-url', url, '-o', out, *extra, env=env)

        def verifies(out, tsa):
            shutil.copy(tsa.root_pem, os.path.join(root, 'tsa-root.pem'))
            self.ok(self.run_in(cipolicy, 'verify', out, '--root', '/pki/root.pem',
                                '--timestamp-root', '/tsa-root.pem'))

        # DNS: c-ares reads resolv.conf and asks the name server itself.
        plain = Tsa(self.path('tsa-http')).start()
        self.addCleanup(plain.stop)
        dns = NameServer('tsa.cipolicy.test')
        self.addCleanup(dns.close)
        os.makedirs(os.path.join(root, 'etc'))
        with open(os.path.join(root, 'etc', 'resolv.conf'), 'w') as f:
            f.write(f'nameserver {dns.host}\n')
        self.ok(sign('/dns.cip', f'http://tsa.cipolicy.test:{plain.server.server_address[1]}/ok'))
        self.assertIn(('tsa.cipolicy.test', 1), dns.asked)
        verifies('/dns.cip', plain)
        r = sign('/nx.cip', f'http://nx.cipolicy.test:{plain.server.server_address[1]}/ok')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(('nx.cipolicy.test', 1), dns.asked)
        self.assertIn('nx.cipolicy.test', r.stderr)

        # TLS: the system's CA bundle, by distribution.
        tls = Tsa(self.path('tsa-tls')).start(tls=True)
        self.addCleanup(tls.stop)
        url = tls.url + '/ok'
        r = sign('/none.cip', url)
        self.assertNotEqual(r.returncode, 0, 'trusted a TLS CA nobody installed')
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn('--ca-file', r.stderr)
        ca = read_file(tls.tls_ca_pem, 'rb')
        layouts = ['etc/ssl/certs/ca-certificates.crt', 'etc/pki/tls/certs/ca-bundle.crt',
                   'etc/ssl/ca-bundle.pem', 'etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
                   'etc/ssl/cert.pem']
        for i, layout in enumerate(layouts):
            with self.subTest(layout=layout):
                bundle = os.path.join(root, layout)
                os.makedirs(os.path.dirname(bundle), exist_ok=True)
                with open(bundle, 'wb') as f:
                    f.write(ca)
                self.ok(sign(f'/l{i}.cip', url))
                verifies(f'/l{i}.cip', tls)
                os.remove(bundle)
        with open(os.path.join(root, 'mine.pem'), 'wb') as f:
            f.write(ca)
        self.ok(sign('/env.cip', url, env={'SSL_CERT_FILE': '/mine.pem'}))
        self.ok(sign('/flag.cip', url, '--ca-file', '/mine.pem'))
        with ConnectProxy() as proxy:
            self.ok(sign('/proxy.cip', url, '--ca-file', '/mine.pem', env={'HTTPS_PROXY': proxy.url}))
            self.assertTrue(proxy.tunnels, 'HTTPS_PROXY was not used')

    # ---- the NuGet package ---------------------------------------------------------------------
    def test_nupkg_metadata_size_and_tools(self):
        nupkg = os.path.join(DIST, NUPKG)
        self.assertLessEqual(os.path.getsize(nupkg), 20 * MB)
        with zipfile.ZipFile(nupkg) as z:
            names = z.namelist()
            spec = ET.fromstring(z.read('CIPolicy.Build.nuspec'))
            ns = {'n': spec.tag.split('}')[0][1:]}
            meta = spec.find('n:metadata', ns)
            field = lambda name: meta.find('n:' + name, ns)
            self.assertEqual(field('version').text, VERSION)
            self.assertEqual(field('license').get('type'), 'expression')
            self.assertRegex(field('license').text, r'^[A-Za-z0-9.\-]+$')
            repo = field('repository')
            self.assertRegex(repo.get('url'), r'^https://')
            self.assertEqual(repo.get('commit'), COMMIT)
            self.assertEqual(field('developmentDependency').text, 'true')
            self.assertIn(field('readme').text, names)
            self.assertGreater(len(field('description').text), 40)
            self.assertIn('wdac', field('tags').text.split())
            tools = sorted(n for n in names if n.startswith('tools/'))
            built_here = ['tools/linux-arm64/cipolicy', 'tools/linux-x64/cipolicy',
                          'tools/win-x64/cipolicy.exe']
            # ... and the release workflow's macOS tools.
            self.assertEqual([t for t in tools if t not in built_here],
                             [t for t in tools if re.fullmatch(r'tools/osx-(arm64|x64)/cipolicy', t)])
            self.assertLessEqual(set(built_here), set(tools))
            for platform, tool in (('linux-x64', 'tools/linux-x64/cipolicy'),
                                   ('linux-arm64', 'tools/linux-arm64/cipolicy'),
                                   ('win-x64', 'tools/win-x64/cipolicy.exe')):
                exe = os.path.join(self.extract(platform), 'bin', os.path.basename(tool))
                self.assertEqual(z.read(tool), read_file(exe, 'rb'), tool)

    def pki_and_policy(self, folder):
        host = os.path.join(self.extract('linux-x64'), 'bin', 'cipolicy')
        self.ok(subprocess.run([host, 'dev-pki', '--out-dir', os.path.join(folder, 'pki')],
                               capture_output=True, text=True))
        self.ok(subprocess.run([host, 'new-policy', '--update-signer',
                                os.path.join(folder, 'pki', 'root.cer'), '-o',
                                os.path.join(folder, 'a.bin')], capture_output=True, text=True))
        with open(os.path.join(folder, 'cipolicy.yaml'), 'w') as f:
            f.write('provider: local\nlocal:\n  cert: pki/signer.pem\n  key: pki/signer.key\n'
                    '  chain: pki/chain.pem\n')
        return host

    def assert_built_cip_verifies(self, host, folder, out):
        cips = glob.glob(os.path.join(out, '*.cip'))
        self.assertEqual(len(cips), 1, os.listdir(out) if os.path.isdir(out) else out)
        v = subprocess.run([host, 'verify', cips[0], '--root', os.path.join(folder, 'pki', 'root.pem')],
                           capture_output=True, text=True)
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)

    def dotnet(self, *args, env=None):
        full = {**os.environ, 'DOTNET_CLI_TELEMETRY_OPTOUT': '1', 'DOTNET_NOLOGO': '1',
                'NUGET_PACKAGES': self.path('nuget-packages'), **(env or {})}
        r = subprocess.run([DOTNET, *args, '-nodeReuse:false'], capture_output=True, text=True,
                           env=full, timeout=900)
        self.assertEqual(r.returncode, 0, r.stdout[-4000:] + r.stderr[-2000:])
        return r

    @unittest.skipUnless(DOTNET, 'dotnet is not installed')
    def test_nupkg_from_a_local_feed_into_a_fresh_sdk_project(self):
        feed = self.path('feed')
        os.makedirs(feed)
        shutil.copy(os.path.join(DIST, NUPKG), feed)
        config = self.path('nuget.config')
        with open(config, 'w') as f:
            f.write(f'<configuration><packageSources><clear /><add key="local" value="{feed}" />'
                    '</packageSources></configuration>\n')
        app = self.path('app')
        os.makedirs(app)
        host = self.pki_and_policy(app)
        with open(os.path.join(app, 'app.csproj'), 'w') as f:
            f.write(f'''<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net$(BundledNETCoreAppTargetFrameworkVersion)</TargetFramework>
    <EnableDefaultItems>false</EnableDefaultItems>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="CIPolicy.Build" Version="{VERSION}" />
    <CIPolicy Include="a.bin" />
  </ItemGroup>
</Project>
''')
        r = self.dotnet('build', os.path.join(app, 'app.csproj'), '--configfile', config, '-v:n',
                        '-o', os.path.join(app, 'out'))
        packaged = os.path.join(self.path('nuget-packages'), 'cipolicy.build', VERSION, 'tools',
                                'linux-x64', 'cipolicy')
        self.assertIn(packaged, r.stdout)  # the packaged tool for this host ran
        self.assert_built_cip_verifies(host, app, os.path.join(app, 'out'))

    @unittest.skipUnless(DOTNET, 'dotnet is not installed')
    def test_nupkg_in_a_plain_project_as_packages_config_installs_it(self):
        # packages.config: NuGet extracts the package to packages/<id>.<version>/ and the project
        # imports its build/ props and targets.
        app = self.path('plain')
        package = os.path.join(app, 'packages', f'CIPolicy.Build.{VERSION}')
        with zipfile.ZipFile(os.path.join(DIST, NUPKG)) as z:
            z.extractall(package)
        for tool in glob.glob(os.path.join(package, 'tools', 'linux-*', 'cipolicy')):
            os.chmod(tool, 0o755)  # as NuGet's extraction does on Linux
        host = self.pki_and_policy(app)
        build = os.path.join(package, 'build')
        with open(os.path.join(app, 'plain.proj'), 'w') as f:
            f.write(f'''<Project>
  <Import Project="{build}/CIPolicy.Build.props" />
  <PropertyGroup><OutDir>out/</OutDir></PropertyGroup>
  <ItemGroup><CIPolicy Include="a.bin" /></ItemGroup>
  <Target Name="Build" DependsOnTargets="$(BuildDependsOn)" />
  <Import Project="{build}/CIPolicy.Build.targets" />
</Project>
''')
        r = self.dotnet('msbuild', os.path.join(app, 'plain.proj'), '-nologo', '-v:n')
        self.assertIn(os.path.join(package, 'tools', 'linux-x64', 'cipolicy'), r.stdout)
        self.assert_built_cip_verifies(host, app, os.path.join(app, 'out'))


if __name__ == '__main__':
    if not DIST or not os.path.isfile(os.path.join(DIST, 'SHA256SUMS')):
        print(f'SKIPPED: no release in {DIST or "(no folder given)"}; run scripts/release.sh')
        sys.exit(SKIP)
    if os.geteuid() != 0:
        print('SKIPPED: the chroot tests need root')
        sys.exit(SKIP)
    unittest.main(argv=[sys.argv[0], *sys.argv[2:]], verbosity=2)  # further arguments: test names
