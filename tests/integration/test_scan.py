"""`cipolicy scan` and `cipolicy merge` on real PE files: Microsoft-blocklisted drivers (the
hashes must be the blocklist's), MinGW-built EXE/DLL/driver signed by osslsigncode with a test
PKI (TBS hashes checked with python3-cryptography, digests with osslsigncode), and hostile files.
Every output is validated against cipolicy.xsd with lxml and compiled."""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(__file__))
import pe_samples  # noqa: E402
from support import CliTest, run, shared_dir, skip_under_wine  # noqa: E402

NS = {'p': 'urn:schemas-microsoft-com:sipolicy'}
SAMPLES = None
SAMPLES_DIR = None


def setUpModule():
    global SAMPLES, SAMPLES_DIR
    missing = pe_samples.available()
    if missing:
        raise unittest.SkipTest(missing)
    SAMPLES_DIR = tempfile.mkdtemp(prefix='cipolicy-pe-samples-')
    SAMPLES = pe_samples.build(SAMPLES_DIR)


def tearDownModule():
    if SAMPLES_DIR:
        shutil.rmtree(SAMPLES_DIR, ignore_errors=True)


def tbs_hash(pem_path):
    from cryptography import x509
    with open(pem_path, 'rb') as f:
        cert = x509.load_pem_x509_certificate(f.read())
    alg = cert.signature_hash_algorithm.name  # 'sha256'
    return hashlib.new(alg, cert.tbs_certificate_bytes).hexdigest().upper()


_SCHEMA = []


def xsd_schema():
    """cipolicy.xsd for lxml (libxml2), or None without ../shared. Its Macro pattern writes a
    literal '$' as '\\$', which XSD regular expressions (unlike Perl's) do not allow and libxml2
    refuses; '$' is no metacharacter there, so the same pattern is loaded with a plain '$'."""
    if not _SCHEMA:
        shared = shared_dir()
        if not shared:
            _SCHEMA.append(None)
        else:
            from lxml import etree
            with open(os.path.join(shared, 'oracles/schema/cipolicy.xsd'), 'rb') as f:
                text = f.read().replace(b'\\$', b'$')
            _SCHEMA.append(etree.XMLSchema(etree.fromstring(text)))
    return _SCHEMA[0]


class ScanTest(CliTest):
    def scan(self, *args, expect=0):
        out = self.path(f'scan{len(os.listdir(self.dir))}.xml')
        r = run('scan', *args, '-o', out)
        self.assertExit(r, expect)
        self.check_policy(out)
        return out

    def check_policy(self, path):
        """Valid against the schema (lxml, independent of the tool) and compiles."""
        schema = xsd_schema()
        if schema is not None:
            from lxml import etree
            self.assertTrue(schema.validate(etree.parse(path)), str(schema.error_log))
        r = run('compile', path, '-o', path + '.bin')
        self.assertExit(r, 0)

    def tree(self, path):
        return ET.parse(path).getroot()

    def folder(self, *names):
        d = tempfile.mkdtemp(dir=self.dir)
        for n in names:
            shutil.copy(SAMPLES[n], d)
        return d

    def scenario_refs(self, root, value):
        sc = root.find(f".//p:SigningScenario[@Value='{value}']", NS)
        return ({e.get('RuleID') for e in sc.iterfind('.//p:FileRuleRef', NS)},
                {e.get('SignerId') for e in sc.iterfind('.//p:AllowedSigner', NS)})


class HashLevel(ScanTest):
    def test_blocklisted_drivers_give_the_blocklist_hashes(self):
        shared = shared_dir()
        if not shared:
            self.skipTest('../shared not found')
        drivers = os.path.join(shared, 'oracles/pe')
        out = self.scan(drivers, '--level', 'Hash')
        ours = self.tree(out)
        block = ET.parse(os.path.join(shared, 'oracles/compile/SiPolicy_Enforced.xml')).getroot()
        denied = {e.get('Hash'): e.get('FriendlyName') for e in block.iterfind('.//p:Deny', NS)
                  if e.get('Hash')}
        allows = list(ours.iterfind('.//p:FileRules/p:Allow', NS))
        self.assertEqual(len(allows), 12)  # 3 drivers x 4 hashes
        kernel_rules, _ = self.scenario_refs(ours, 131)
        for a in allows:
            kind = a.get('FriendlyName').split(' ', 1)[1]  # "Hash Sha1", "Hash Page Sha256", ...
            self.assertIn(a.get('Hash'), denied, a.get('FriendlyName'))
            self.assertTrue(denied[a.get('Hash')].endswith(' ' + kind), denied[a.get('Hash')])
            self.assertIn(a.get('ID'), kernel_rules)  # drivers: scenario 131
        user_rules, _ = self.scenario_refs(ours, 12)
        self.assertEqual(user_rules, set())

    def test_authenticode_hash_is_what_osslsigncode_signs(self):
        # osslsigncode signs the Authenticode digest of the unsigned file: its reported digest of
        # the signed copy must be our Hash Sha256 of the unsigned one.
        out = self.scan(self.folder('dll'))
        rule = self.tree(out).find(".//p:Allow[@FriendlyName='contoso.dll Hash Sha256']", NS)
        verify = subprocess.run(['osslsigncode', 'verify', '-in', SAMPLES['signed_dll']],
                                capture_output=True, text=True)
        m = re.search(r'Current message digest\s*:\s*([0-9A-F]+)', verify.stdout)
        self.assertIsNotNone(m, verify.stdout)
        self.assertEqual(rule.get('Hash'), m.group(1))

    def test_same_bytes_whatever_the_order_and_threads(self):
        a = self.folder('dll', 'exe', 'sys')
        b = tempfile.mkdtemp(dir=self.dir)
        for n in ('sys', 'exe', 'dll'):  # other creation order, other folder
            shutil.copy(SAMPLES[n], b)
        x = self.scan(a, '--name', 'same')
        y = self.scan(b, '--name', 'same', '--threads', '1')
        self.assertEqual(self.read(x), self.read(y))

    def test_rescan_after_rebuild_changes_only_that_files_lines(self):
        d = self.folder('dll', 'exe')
        first = self.read(self.scan(d, '--name', 'app')).decode().splitlines()
        with open(os.path.join(d, 'hello.exe'), 'ab') as f:  # a "rebuilt" exe
            f.write(b'\0' * 512)
        second = self.read(self.scan(d, '--name', 'app')).decode().splitlines()
        self.assertEqual(len(first), len(second))
        changed = [(x, y) for x, y in zip(first, second) if x != y]
        self.assertTrue(changed)
        for old, new in changed:
            # Only hello.exe's Authenticode rules (and their references) differ.
            self.assertNotIn('contoso', old + new)
        self.assertLessEqual(len(changed), 4)

    def test_not_pe_files_are_counted_and_damaged_ones_reported(self):
        d = self.folder('dll')
        self.write(os.path.join(d, 'readme.dll'), b'not a PE file at all')
        data = self.read(SAMPLES['exe'])
        self.write(os.path.join(d, 'truncated.exe'), data[:400])
        bad = bytearray(data)
        pe = int.from_bytes(bad[0x3c:0x40], 'little')
        bad[pe + 6:pe + 8] = (200).to_bytes(2, 'little')  # NumberOfSections beyond the limit
        self.write(os.path.join(d, 'sections.exe'), bytes(bad))
        signed = bytearray(self.read(SAMPLES['signed_exe']))
        pe = int.from_bytes(signed[0x3c:0x40], 'little')
        entry = pe + 24 + 112 + 4 * 8  # PE32+ Certificate Table directory entry
        signed[entry:entry + 4] = (len(signed) - 16).to_bytes(4, 'little')  # runs past the end
        self.write(os.path.join(d, 'certtable.exe'), bytes(signed))
        out = self.path('damaged.xml')
        r = run('scan', d, '-o', out, '--json')
        self.assertExit(r, 9)
        report = r.json()
        # cipolicy.exe (Wine) reports Windows paths: the name after either separator.
        status = {re.split(r'[\\/]', f['path'])[-1]: f['status'] for f in report['files']}
        self.assertEqual(status['contoso.dll'], 'ruled')
        self.assertEqual(status['truncated.exe'], 'damaged')
        self.assertEqual(status['sections.exe'], 'damaged')
        self.assertEqual(status['certtable.exe'], 'damaged')
        self.assertEqual(report['otherFiles'], 1)
        self.check_policy(out)
        for line in r.err.strip().splitlines():
            self.assertRegex(line, r'(truncated|sections|certtable)\.exe')


class SignerLevels(ScanTest):
    def test_publisher_names_the_issuing_ca_and_leaf_cn(self):
        d = self.folder('signed_dll', 'exe')
        root = self.tree(self.scan(d, '--level', 'Publisher'))
        signers = list(root.iterfind('.//p:Signer', NS))
        self.assertEqual(len(signers), 1)
        s = signers[0]
        self.assertEqual(s.find('p:CertRoot', NS).get('Value'),
                         tbs_hash(os.path.join(SAMPLES['dir'], 'ca.pem')))
        self.assertEqual(s.get('Name'), 'Contoso Test Issuing CA')
        self.assertEqual(s.find('p:CertPublisher', NS).get('Value'), 'Contoso Test Publisher')
        rules, allowed = self.scenario_refs(root, 12)
        self.assertEqual(allowed, {s.get('ID')})
        self.assertEqual({c.get('SignerId') for c in root.iterfind('.//p:CiSigner', NS)},
                         {s.get('ID')})
        # The unsigned exe fell back to its four hashes.
        self.assertEqual(len(rules), 4)
        self.assertIn('Enabled:UMCI', [o.text for o in root.iterfind('.//p:Option', NS)])

    def test_file_publisher_adds_the_version_resource(self):
        root = self.tree(self.scan(self.folder('signed_dll'), '--level', 'FilePublisher'))
        attrib = root.find('.//p:FileAttrib', NS)
        self.assertEqual(attrib.get('FileName'), 'contoso.dll')
        self.assertEqual(attrib.get('MinimumFileVersion'), '2.5.7.11')
        refs = [r.get('RuleID') for r in root.iterfind('.//p:Signer/p:FileAttribRef', NS)]
        self.assertEqual(refs, [attrib.get('ID')])

    def test_leaf_certificate_and_pca(self):
        leaf = self.tree(self.scan(self.folder('signed_dll'), '--level', 'LeafCertificate'))
        self.assertEqual(leaf.find('.//p:CertRoot', NS).get('Value'),
                         tbs_hash(os.path.join(SAMPLES['dir'], 'leaf.pem')))
        self.assertIsNone(leaf.find('.//p:CertPublisher', NS))
        pca = self.tree(self.scan(self.folder('signed_dll'), '--level', 'PcaCertificate'))
        self.assertEqual(pca.find('.//p:CertRoot', NS).get('Value'),
                         tbs_hash(os.path.join(SAMPLES['dir'], 'ca.pem')))

    def test_signed_driver_goes_to_kernel_mode_only(self):
        root = self.tree(self.scan(self.folder('signed_sys'), '--level', 'Publisher'))
        _, kernel = self.scenario_refs(root, 131)
        _, user = self.scenario_refs(root, 12)
        self.assertEqual(len(kernel), 1)
        self.assertEqual(user, set())
        self.assertIsNone(root.find('.//p:CiSigner', NS))

    def test_ecdsa_signed_files_fall_back(self):
        root = self.tree(self.scan(self.folder('ec_dll'), '--level', 'Publisher'))
        self.assertIsNone(root.find('.//p:Signer', NS))
        self.assertEqual(len(list(root.iterfind('.//p:Allow', NS))), 4)

    def test_no_fallback_reports_the_file(self):
        out = self.path('x.xml')
        r = run('scan', self.folder('signed_dll', 'exe'), '--level', 'Publisher',
                '--fallback', 'none', '-o', out)
        self.assertExit(r, 9, 'hello.exe: not covered: Publisher: the file is not signed')

    def test_whql_levels_need_a_whql_signature(self):
        out = self.path('w.xml')
        r = run('scan', self.folder('signed_sys'), '--level', 'WHQL', '--fallback', 'none',
                '-o', out)
        self.assertExit(r, 3, 'not a WHQL signature')

    def test_root_certificate_is_refused_with_the_reason(self):
        r = run('scan', self.folder('signed_dll'), '--level', 'RootCertificate', '-o',
                self.path('r.xml'))
        self.assertExit(r, 2, 'not supported by Windows')
        self.assertFalse(os.path.exists(self.path('r.xml')))


class Supplemental(ScanTest):
    def test_supplemental_to_a_base(self):
        template = os.path.join(os.path.dirname(__file__), '..', '..', 'templates', 'policy',
                                'SignableBase.xml')
        base = self.path('base.xml')
        self.assertExit(run('add-signer', template, '--cert', os.path.join(SAMPLES['dir'], 'root.pem'),
                            '--update', '--supplemental', '-o', base), 0)
        base_id = self.tree(base).find('p:PolicyID', NS).text
        out = self.scan(self.folder('signed_dll'), '--level', 'FilePublisher',
                        '--supplemental-to', base, '--name', 'contoso')
        root = self.tree(out)
        self.assertEqual(root.get('PolicyType'), 'Supplemental Policy')
        self.assertEqual(root.find('p:BasePolicyID', NS).text, base_id)
        self.assertNotEqual(root.find('p:PolicyID', NS).text, base_id)
        # The PolicyID is kept by a rescan (same --name, another output file).
        again = self.scan(self.folder('signed_dll'), '--level', 'FilePublisher',
                          '--supplemental-to', base, '--name', 'contoso')
        self.assertEqual(self.tree(again).find('p:PolicyID', NS).text,
                         root.find('p:PolicyID', NS).text)


class Merge(ScanTest):
    def test_union_without_duplicates(self):
        a = self.scan(self.folder('dll', 'exe'), '--name', 'a')
        b = self.scan(self.folder('exe', 'signed_dll'), '--level', 'Publisher', '--name', 'b')
        out = self.path('merged.xml')
        r = run('merge', a, b, '-o', out)
        self.assertExit(r, 0)
        self.check_policy(out)
        m = self.tree(out)
        hashes = [e.get('Hash') for e in m.iterfind('.//p:Allow', NS)]
        self.assertEqual(len(hashes), len(set(hashes)))  # hello.exe's rules once
        self.assertEqual(len(hashes), 8)
        self.assertEqual(len(list(m.iterfind('.//p:Signer', NS))), 1)
        self.assertEqual(m.find('p:PolicyID', NS).text, self.tree(a).find('p:PolicyID', NS).text)
        rules, signers = self.scenario_refs(m, 12)
        self.assertEqual(len(rules), 8)
        self.assertEqual(len(signers), 1)

    def test_colliding_ids_are_renamed(self):
        a = self.scan(self.folder('dll'), '--name', 'a')
        text = self.read(a).decode()
        other = text
        # Same IDs, different hashes: every rule of B collides by ID and differs by content.
        for h in re.findall(r'Hash="([0-9A-F]+)"', text):
            other = other.replace(h, h[::-1])
        b = self.write(self.path('b.xml'), other.encode())
        out = self.path('m.xml')
        r = run('merge', a, b, '-o', out, '--json')
        self.assertExit(r, 0)
        self.assertEqual(r.json()['renamed'], 4)
        self.check_policy(out)
        ids = [e.get('ID') for e in self.tree(out).iterfind('.//p:Allow', NS)]
        self.assertEqual(len(ids), 8)
        self.assertEqual(len(set(ids)), 8)

    def test_merging_a_policy_with_itself_compiles_to_the_same_binary(self):
        a = self.scan(self.folder('signed_dll', 'exe'), '--level', 'FilePublisher')
        out = self.path('self.xml')
        r = run('merge', a, a, '-o', out, '--json')
        self.assertExit(r, 0)
        self.assertGreater(r.json()['duplicates'], 0)
        self.check_policy(out)  # compiles both to .bin beside them
        self.assertEqual(self.read(a + '.bin'), self.read(out + '.bin'))


@skip_under_wine('the build layers are tested with the native tool')
class CMakeSupplemental(ScanTest):
    """cipolicy_supplemental() in a real CMake project cross-built with MinGW-w64 (the project's
    own toolchain file), the module included from the source tree as an installed package is."""

    def test_scans_the_targets_and_rescans_only_when_they_change(self):
        if not shutil.which('cmake') or not shutil.which('ninja'):
            self.skipTest('cmake or ninja not installed')
        repo = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
        src = self.path('src')
        os.makedirs(src)
        shutil.copy(os.path.join(SAMPLES['dir'], 'version.rc'), src)
        self.write(os.path.join(src, 'hello.c'), b'#include <stdio.h>\nint main(void){puts("hi");return 0;}\n')
        self.write(os.path.join(src, 'lib.c'), b'__declspec(dllexport) int add(int a,int b){return a+b;}\n')
        self.assertExit(run('add-signer', os.path.join(repo, 'templates', 'policy', 'SignableBase.xml'),
                            '--cert', os.path.join(SAMPLES['dir'], 'root.pem'), '--update',
                            '--supplemental', '-o', os.path.join(src, 'base.xml')), 0)
        self.write(os.path.join(src, 'CMakeLists.txt'), b"""cmake_minimum_required(VERSION 3.25)
project(scanned C RC)
include(${CIPOLICY_MODULES}/CIPolicyFunctions.cmake)
add_executable(hello hello.c)
add_library(contoso SHARED lib.c version.rc)
cipolicy_supplemental(app_supplemental BASE base.xml TARGETS hello contoso LEVEL FilePublisher ALL)
""")
        build = self.path('build')
        exe = os.path.abspath(os.environ.get('CIPOLICY_EXE', 'cipolicy'))

        def cmake(*args):
            p = subprocess.run(['cmake', *args], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            return p.stdout

        cmake('-S', src, '-B', build, '-G', 'Ninja',
              f'-DCMAKE_TOOLCHAIN_FILE={repo}/scripts/windows/toolchain-mingw64.cmake',
              f'-DCIPOLICY_EXECUTABLE={exe}', f'-DCIPOLICY_MODULES={repo}/cmake-modules')
        self.assertIn('scanning app_supplemental', cmake('--build', build))
        xml = os.path.join(build, 'app_supplemental-supplemental', 'app_supplemental.xml')
        self.check_policy(xml)
        root = self.tree(xml)
        self.assertEqual(root.get('PolicyType'), 'Supplemental Policy')
        names = sorted(a.get('FriendlyName') for a in root.iterfind('.//p:Allow', NS))
        self.assertEqual(len(names), 8)  # unsigned: both files fall back to their hashes
        self.assertTrue(all(n.startswith(('hello.exe ', 'libcontoso.dll ')) for n in names), names)
        before = self.read(xml)
        self.assertIn('no work to do', cmake('--build', build))
        with open(os.path.join(src, 'hello.c'), 'a') as f:
            f.write('int unused_symbol = 1;\n')
        self.assertIn('scanning app_supplemental', cmake('--build', build))
        after = self.read(xml)
        self.assertNotEqual(before, after)
        # The PolicyID is kept; only hello.exe's rules changed.
        self.assertEqual(self.tree(xml).find('p:PolicyID', NS).text, root.find('p:PolicyID', NS).text)
        old = set(before.decode().splitlines())
        for line in after.decode().splitlines():
            if line not in old:
                self.assertNotIn('libcontoso', line)


@skip_under_wine('the build layers are tested with the native tool')
class MSBuildSupplemental(ScanTest):
    """<CIPolicySupplemental> in a real .NET project built with `dotnet build`."""

    def test_scans_the_primary_output_once(self):
        if not shutil.which('dotnet'):
            self.skipTest('dotnet not installed')
        repo = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
        exe = os.path.abspath(os.environ.get('CIPOLICY_EXE', 'cipolicy'))
        proj = self.path('proj')
        os.makedirs(proj)
        self.assertExit(run('add-signer', os.path.join(repo, 'templates', 'policy', 'SignableBase.xml'),
                            '--cert', os.path.join(SAMPLES['dir'], 'root.pem'), '--update',
                            '--supplemental', '-o', os.path.join(proj, 'base.xml')), 0)
        self.write(os.path.join(proj, 'C.cs'),
                   b'namespace Lib; public static class C { public static int Add(int a, int b) => a + b; }\n')
        self.write(os.path.join(proj, 'lib.csproj'), f"""<Project>
  <Import Project="Sdk.props" Sdk="Microsoft.NET.Sdk" />
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <CIPolicyToolPath>{exe}</CIPolicyToolPath>
  </PropertyGroup>
  <ItemGroup>
    <CIPolicySupplemental Include="lib_supplemental" Base="base.xml" Level="FilePublisher" />
  </ItemGroup>
  <Import Project="Sdk.targets" Sdk="Microsoft.NET.Sdk" />
  <Import Project="{repo}/msbuild/build/CIPolicy.Build.targets" />
</Project>
""".encode())
        env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT='1', DOTNET_NOLOGO='1')

        def build():
            p = subprocess.run(['dotnet', 'build', '-nologo', '-v:n'], cwd=proj, capture_output=True,
                               text=True, env=env, timeout=600)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            return p.stdout

        build()
        xml = os.path.join(proj, 'obj', 'Debug', 'net10.0', 'cipolicy-scan', 'lib_supplemental.xml')
        self.check_policy(xml)
        root = self.tree(xml)
        self.assertEqual(root.get('PolicyType'), 'Supplemental Policy')
        rule = root.find(".//p:Allow[@FriendlyName='lib.dll Hash Sha256']", NS)
        self.assertIsNotNone(rule)  # unsigned: FilePublisher falls back to Hash
        direct = self.tree(self.scan(os.path.join(proj, 'bin', 'Debug', 'net10.0', 'lib.dll')))
        self.assertEqual(rule.get('Hash'),
                         direct.find(".//p:Allow[@FriendlyName='lib.dll Hash Sha256']", NS).get('Hash'))
        stamp = os.path.getmtime(xml)
        out = build()
        self.assertIn('Skipping target "_CIPolicyScanItems"', out)
        self.assertEqual(os.path.getmtime(xml), stamp)


if __name__ == '__main__':
    unittest.main()
