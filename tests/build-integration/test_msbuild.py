"""CIPolicy.Build (msbuild/) with the real `dotnet msbuild`: a plain project, the sample .vcxproj
against a stand-in for the Visual C++ targets (vctargets/), and the NuGet package made by
`dotnet pack` consumed from a local folder feed. Skipped (77) without dotnet."""
import glob
import os
import re
import shutil
import sys
import zipfile

from buildsupport import (BUILD_DIR, EXE, SKIP, SOURCE_DIR, BuildTest, Counter, main, run,
                          touch)

DOTNET = shutil.which('dotnet')
# The cross-built Windows exe (scripts/test.sh sets it once build-win/ is built): packed beside the
# Linux tool and run under Wine; without it the package holds the Linux tool alone.
WIN_EXE = os.environ.get('CIPOLICY_WIN_EXE') or None
WINE_RUN = os.path.join(SOURCE_DIR, 'scripts', 'windows', 'wine-run.sh')
TARGETS_DIR = os.path.join(SOURCE_DIR, 'msbuild', 'build') + os.sep
VCTARGETS = os.path.join(SOURCE_DIR, 'tests', 'build-integration', 'vctargets') + os.sep

TEMPLATES = os.path.join(SOURCE_DIR, 'templates', 'policy')
# What make_pki_and_policies names a.bin and b.bin; the PolicyIDs of the policy templates.
A_CIP = '{5E1F0C2A-0000-4000-8000-000000000001}.cip'
B_CIP = '{5E1F0C2A-0000-4000-8000-000000000002}.cip'
BASE_CIP = '{5E1A6D2C-8B0F-4C1E-9F3A-2D7B4C6E8A10}.cip'
SUPPLEMENTAL_CIP = '{5E1A6D2C-8B0F-4C1E-9F3A-2D7B4C6E8A11}.cip'

PLAIN = f'''<Project>
  <Import Project="{TARGETS_DIR}CIPolicy.Build.props" />
  <PropertyGroup><OutDir>out\\</OutDir></PropertyGroup>
  <ItemGroup>
    <CIPolicy Include="a.bin" />
    <CIPolicy Include="b.bin" OutputName="Second.cip" />
  </ItemGroup>
  <Target Name="Build" DependsOnTargets="$(BuildDependsOn)" />
  <Target Name="Clean" DependsOnTargets="$(CleanDependsOn)" />
  <Import Project="{TARGETS_DIR}CIPolicy.Build.targets" />
</Project>
'''


def msbuild(project, *args, env=None):
    return run([DOTNET, 'msbuild', project, '-nologo', '-v:n', '-nodeReuse:false', *args], env=env)


class PlainProject(BuildTest):
    def setUp(self):
        super().setUp()
        self.make_pki_and_policies(self.dir, ['a.bin', 'b.bin'])
        self.proj = self.write(self.path('p.proj'), PLAIN)
        self.counter = Counter(self.dir)
        self.tool = '-p:CIPolicyToolPath=' + self.counter.path

    def test_signs_once_skips_then_re_signs_what_changed(self):
        self.ok(msbuild(self.proj, self.tool))
        self.assertEqual(len(self.counter.take()), 2)
        a, b = self.path('out', A_CIP), self.path('out', 'Second.cip')
        self.assertVerifies(self.path('pki', 'root.cer'), a, b)

        r = self.ok(msbuild(self.proj, self.tool))
        self.assertEqual(self.counter.take(), [], r.out)
        self.assertIn('Skipping target "_CIPolicySignItems"', r.out)

        touch(self.path('b.bin'))
        self.ok(msbuild(self.proj, self.tool))
        calls = self.counter.take()
        self.assertEqual(len(calls), 1, calls)
        self.assertIn('b.bin', calls[0])

        touch(self.path('cipolicy.yaml'))  # found beside the project by default
        self.ok(msbuild(self.proj, self.tool))
        self.assertEqual(len(self.counter.take()), 2)

        # The key and chain the configuration names: listed in the tool's dependency file.
        for name in ('signer.key', 'chain.pem'):
            touch(self.path('pki', name))
            self.ok(msbuild(self.proj, self.tool))
            self.assertEqual(len(self.counter.take()), 2, name)

        # A deleted signed file is signed again.
        os.remove(a)
        self.ok(msbuild(self.proj, self.tool))
        self.assertEqual(len(self.counter.take()), 1)
        self.assertVerifies(self.path('pki', 'root.cer'), a)

        self.ok(msbuild(self.proj, self.tool, '-t:Clean'))
        self.assertFalse(os.path.exists(a) or os.path.exists(b), os.listdir(self.path('out')))
        self.assertEqual(self.counter.take(), [])

    def test_opt_out_and_missing_configuration(self):
        r = self.ok(msbuild(self.proj, self.tool, '-p:CIPolicySigningEnabled=false'))
        self.assertIn('signing is disabled (CIPolicySigningEnabled=false)', r.out)
        self.fails(msbuild(self.proj, self.tool, '-p:CIPolicySigningEnabled=false',
                           '-p:CIPolicyRequireSigning=true'), 'error CIP9004')
        os.rename(self.path('cipolicy.yaml'), self.path('elsewhere.yaml'))
        r = self.ok(msbuild(self.proj, self.tool))
        self.assertIn('a.bin, b.bin not signed: no signing configuration', r.out)
        self.fails(msbuild(self.proj, self.tool, '-p:CIPolicyRequireSigning=true'),
                   'error CIP9002: CIPolicyRequireSigning is true but there is no signing configuration')
        self.fails(msbuild(self.proj, self.tool, '-p:CIPolicyConfigFile=missing.yaml'),
                   'error CIP9003', 'missing.yaml')
        self.assertEqual(self.counter.take(), [])
        self.assertFalse(os.path.exists(self.path('out')))
        # The environment variable CIPOLICY_CONFIG counts as configuration (read by the tool).
        self.ok(msbuild(self.proj, self.tool, env={'CIPOLICY_CONFIG': self.path('elsewhere.yaml')}))
        self.assertEqual(len(self.counter.take()), 2)

    def test_item_metadata_overrides_properties(self):
        os.rename(self.path('cipolicy.yaml'), self.path('item.yaml'))
        proj = self.write(self.path('items.proj'), PLAIN.replace(
            '<CIPolicy Include="a.bin" />', '<CIPolicy Include="a.bin" ConfigFile="item.yaml" OutputDir="custom" />'))
        r = self.ok(msbuild(proj, self.tool))
        self.assertIn('b.bin not signed: no signing configuration', r.out)
        calls = self.counter.take()
        self.assertEqual(len(calls), 1, calls)
        self.assertIn('--config ' + self.path('item.yaml'), calls[0])
        self.assertVerifies(self.path('pki', 'root.cer'), self.path('custom', A_CIP))

    def test_tool_error_fails_with_its_code_in_canonical_form(self):
        self.write(self.path('a.bin'), 'not a policy\n')
        r = self.fails(msbuild(self.proj, self.tool))
        self.assertIn(self.path('a.bin') + ' : error CIP1003: ', r.out)
        self.assertIn('error CIP9005: Signing a.bin failed (cipolicy exit code 3)', r.out)

    def test_tool_resolution_order_and_error(self):
        env = {'CIPOLICY_TOOL_PATH': self.counter.path}
        self.ok(msbuild(self.proj, env=env))
        self.assertEqual(len(self.counter.take()), 2, 'CIPOLICY_TOOL_PATH was not used')
        r = self.fails(msbuild(self.proj, '-t:Clean;Build', '-p:CIPolicyToolPath=/nonexistent/cipolicy',
                               env=env), 'error CIP9001: cipolicy executable not found at /nonexistent/cipolicy')
        for name in ('CIPolicyToolPath', 'CIPOLICY_TOOL_PATH', 'packaged tool', 'installed tool'):
            self.assertIn(name, r.out)

    def test_targets_of_an_installation_find_its_tool(self):
        # Installed as `cmake --install` lays it out: share/cipolicy/msbuild/build/ and bin/.
        prefix = self.path('prefix')
        self.ok(run(['cmake', '--install', BUILD_DIR, '--prefix', prefix]))
        installed = os.path.join(prefix, 'share', 'cipolicy', 'msbuild', 'build') + os.sep
        os.rename(os.path.join(prefix, 'bin', 'cipolicy'), os.path.join(prefix, 'bin', 'cipolicy-real'))
        counter = Counter(os.path.join(prefix, 'bin'), real=os.path.join(prefix, 'bin', 'cipolicy-real'),
                          name='cipolicy', log=self.path('installed.log'))
        proj = self.write(self.path('installed.proj'), PLAIN.replace(TARGETS_DIR, installed))
        self.ok(msbuild(proj))
        self.assertEqual(len(counter.take()), 2)
        self.assertVerifies(self.path('pki', 'root.cer'), self.path('out', A_CIP))
        # The .vcxproj snippet imports exactly those files, under a folder it names once.
        with open(os.path.join(SOURCE_DIR, 'templates', 'CIPolicy.vcxproj.snippet.xml')) as f:
            snippet = f.read()
        imports = re.findall(r'<Import Project="\$\(CIPolicyBuildDir\)([^"]+)"', snippet)
        self.assertEqual(imports, ['CIPolicy.Build.props', 'CIPolicy.Build.targets'])
        self.assertIn(r'share\cipolicy\msbuild\build\</CIPolicyBuildDir>', snippet)
        for name in imports:
            self.assertTrue(os.path.isfile(installed + name), name)

    def test_no_items_with_signing_configured_warns(self):
        proj = self.write(self.path('empty.proj'), re.sub(r'<ItemGroup>.*?</ItemGroup>', '', PLAIN, flags=re.S))
        r = self.ok(msbuild(proj, self.tool))
        self.assertIn('warning CIP9006: CIPolicy signing is configured', r.out)
        self.assertEqual(self.counter.take(), [])

    def test_metadata_and_timestamp_urls_map_to_flags(self):
        # A stand-in tool that records its arguments: the real one would contact the services.
        fake = self.write(self.path('fake-tool'), '#!/bin/sh\ncase "$1" in @*) set -- $(cat "${1#@}");; esac\n'
                          f'printf "%s\\n" "$*" >> {self.counter.log}\n'
                          'while [ $# -gt 0 ]; do [ "$1" = -o ] && : > "$2"; shift; done\n')
        os.chmod(fake, 0o755)
        meta = self.write(self.path('metadata.json'), '{}')
        self.ok(msbuild(self.proj, '-p:CIPolicyToolPath=' + fake, '-p:CIPolicyMetadataFile=metadata.json',
                        '-p:CIPolicyTimestampUrls=http://ts1.test%3Bhttp://ts2.test'))
        calls = self.counter.take()
        self.assertEqual(len(calls), 2, calls)
        for c in calls:
            self.assertIn(f'--config {self.path("cipolicy.yaml")} --metadata {meta} '
                          '--timestamp-url http://ts1.test --timestamp-url http://ts2.test', c)
            self.assertIn('--diagnostics msbuild', c)
        touch(self.path('metadata.json'))
        self.ok(msbuild(self.proj, '-p:CIPolicyToolPath=' + fake, '-p:CIPolicyMetadataFile=metadata.json'))
        calls = self.counter.take()
        self.assertEqual(len(calls), 2, 'a metadata change must re-sign')
        self.assertNotIn('--timestamp-url', calls[0])

XML_PROJECT = f"""<Project DefaultTargets="Build">
  <Import Project="{TARGETS_DIR}CIPolicy.Build.props" />
  <PropertyGroup>
    <OutDir>out\\</OutDir>
    <!-- The public extension point: this target runs before the CIPolicy items are read. -->
    <CIPolicyCompileDependsOn>AddGeneratedPolicy;$(CIPolicyCompileDependsOn)</CIPolicyCompileDependsOn>
  </PropertyGroup>
  <ItemGroup>
    <CIPolicy Include="policies\\base.xml" />
    <CIPolicy Include="policies\\supplemental.xml" FormatVersion="7" />
  </ItemGroup>
  <Target Name="AddGeneratedPolicy">
    <ItemGroup><CIPolicy Include="a.bin" /></ItemGroup>
  </Target>
  <!-- Hooked too late: its item is not signed, and a warning says so. -->
  <Target Name="AddLate" BeforeTargets="CIPolicySign" Condition="'$(AddLate)' == 'true'">
    <ItemGroup><CIPolicy Include="b.bin" /></ItemGroup>
  </Target>
  <Target Name="Build" DependsOnTargets="$(BuildDependsOn)" />
  <Target Name="Clean" DependsOnTargets="$(CleanDependsOn)" />
  <Import Project="{TARGETS_DIR}CIPolicy.Build.targets" />
</Project>
"""


class XmlProject(BuildTest):
    """Policy XML items: compiled into obj/cipolicy/, signed to the names Windows loads."""

    def setUp(self):
        super().setUp()
        self.make_pki_and_policies(self.dir, ['a.bin', 'b.bin'])
        root = self.path('pki', 'root.cer')
        os.makedirs(self.path('policies'))
        for name, extra in (('base', ['--supplemental']), ('supplemental', [])):
            self.ok(run([EXE, 'add-signer', os.path.join(TEMPLATES, f'Signable{name.title()}.xml'),
                         '--cert', root, '--update', *extra, '-o', self.path('policies', name + '.xml')]))
        self.proj = self.write(self.path('x.proj'), XML_PROJECT)
        self.counter = Counter(self.dir)
        self.tool = '-p:CIPolicyToolPath=' + self.counter.path

    def test_compile_sign_check_incrementally_and_clean(self):
        r = self.ok(msbuild(self.proj, self.tool))
        root = self.path('pki', 'root.cer')
        base, supplemental = self.path('out', BASE_CIP), self.path('out', SUPPLEMENTAL_CIP)
        self.assertVerifies(root, base, supplemental, self.path('out', A_CIP))
        self.assertEqual(self.counter.runs(), {'compile': 2, 'sign': 3, 'verify': 1}, r.out)
        self.assertIn(f'{supplemental}: valid', r.out)  # the build's check against the base
        info = run([EXE, 'inspect', supplemental, '--json'])
        self.assertIn('"formatVersion": 7', info.out)
        compiled = [self.path('obj', 'cipolicy', n) for n in ('base.bin', 'supplemental.bin')]
        self.assertTrue(all(os.path.isfile(f) for f in compiled))

        r = self.ok(msbuild(self.proj, self.tool))
        self.assertEqual(self.counter.runs(), {}, r.out)

        touch(self.path('policies', 'base.xml'))
        self.ok(msbuild(self.proj, self.tool))
        self.assertEqual(self.counter.runs(), {'compile': 1, 'sign': 1, 'verify': 1})

        # A new PolicyID: signed under the new name, and the old name is gone.
        xml = self.path('policies', 'supplemental.xml')
        with open(xml) as f:
            text = f.read()
        self.write(xml, text.replace('8A11}', '8A12}'))
        self.ok(msbuild(self.proj, self.tool))
        self.assertEqual(self.counter.runs(), {'compile': 1, 'sign': 1, 'verify': 1})
        self.assertFalse(os.path.exists(supplemental))
        supplemental = self.path('out', '{5E1A6D2C-8B0F-4C1E-9F3A-2D7B4C6E8A12}.cip')
        self.assertVerifies(root, supplemental)

        # A bad XML fails the build with the compiler's file(line,col) error, in MSBuild's format.
        lines = text.splitlines(keepends=True)
        rules = next(i for i, l in enumerate(lines) if '<Rules>' in l)
        lines.insert(rules + 1, '    <Bogus />\n')
        self.write(xml, ''.join(lines))
        r = self.fails(msbuild(self.proj, self.tool), 'error CIP9007: Compiling policies')
        m = re.search(r'supplemental\.xml\((\d+),(\d+)\) ?: error CIP1003: Bogus', r.out)
        self.assertTrue(m, r.out)
        self.assertEqual(int(m.group(1)), rules + 2)
        self.assertEqual(self.counter.runs(), {'compile': 1})
        self.write(xml, text)

        self.ok(msbuild(self.proj, self.tool, '-t:Clean'))
        left = [f for f in compiled + [base, supplemental, self.path('out', A_CIP)] if os.path.exists(f)]
        self.assertEqual(left, [])
        self.assertEqual(glob.glob(self.path('obj', 'cipolicy', '*')), [])

        r = self.ok(msbuild(self.proj, self.tool, '-p:AddLate=true'))
        self.assertIn('warning CIP9008: CIPolicy items were added or changed after', r.out)
        self.assertFalse(os.path.exists(self.path('out', B_CIP)))


class VcxprojSample(BuildTest):
    def setUp(self):
        super().setUp()
        shutil.copytree(os.path.join(SOURCE_DIR, 'samples', 'msbuild'), self.path('sample'))
        self.proj = self.path('sample', 'PolicySigning.vcxproj')
        self.counter = Counter(self.dir)
        self.args = ['-p:VCTargetsPath=' + VCTARGETS, '-p:SampleCIPolicyDir=' + TARGETS_DIR,
                     '-p:CIPolicyToolPath=' + self.counter.path]

    def test_sample_signs_with_dev_pki_and_is_incremental(self):
        r = self.ok(msbuild(self.proj, *self.args))
        self.assertIn('stand-in VC CoreBuild', r.out)
        out = self.path('sample', 'x64', 'Debug')
        signed = [os.path.join(out, BASE_CIP), os.path.join(out, SUPPLEMENTAL_CIP)]
        self.assertVerifies(self.path('sample', 'obj', 'dev-pki', 'root.cer'), *signed)
        self.assertEqual(self.counter.runs(), {'compile': 2, 'sign': 2, 'verify': 1})
        tlog = os.path.join(out, 'PolicySigning.tlog', 'CIPolicy.read.1u.tlog')
        with open(tlog, encoding='utf-16') as f:
            lines = f.read().split()
        self.assertIn('^' + self.path('sample', 'obj', 'dev-pki', 'base.xml').upper(), lines)
        self.assertIn(self.path('sample', 'obj', 'dev-pki', 'cipolicy.yaml').upper(), lines)
        self.assertIn(self.path('sample', 'obj', 'dev-pki', 'signer.key').upper(), lines)

        self.ok(msbuild(self.proj, *self.args))
        self.assertEqual(self.counter.take(), [])

        touch(self.path('sample', 'obj', 'dev-pki', 'cipolicy.yaml'))
        self.ok(msbuild(self.proj, *self.args))
        self.assertEqual(len(self.counter.take()), 2)

        self.ok(msbuild(self.proj, *self.args, '-t:Clean'))
        self.assertEqual([f for f in signed if os.path.exists(f)], [])
        self.assertFalse(os.path.exists(tlog))

        self.ok(msbuild(self.proj, *self.args, '-p:CIPolicySigningEnabled=false'))
        self.assertEqual(self.counter.take(), [])
        self.assertEqual([f for f in signed if os.path.exists(f)], [])

    def test_release_signs_into_its_own_folder(self):
        self.ok(msbuild(self.proj, *self.args, '-p:Configuration=Release'))
        self.assertVerifies(self.path('sample', 'obj', 'dev-pki', 'root.cer'),
                            self.path('sample', 'x64', 'Release', BASE_CIP))


    def test_plain_sample_project(self):
        proj = self.path('sample', 'Policies.proj')
        self.ok(msbuild(proj, *self.args[1:]))
        signed = [self.path('sample', 'out', BASE_CIP), self.path('sample', 'out', SUPPLEMENTAL_CIP)]
        self.assertVerifies(self.path('sample', 'obj', 'dev-pki', 'root.cer'), *signed)
        self.assertEqual(len(self.counter.take()), 2)
        self.ok(msbuild(proj, *self.args[1:]))
        self.assertEqual(self.counter.take(), [])
        self.ok(msbuild(proj, *self.args[1:], '-t:Clean'))
        self.assertEqual([f for f in signed if os.path.exists(f)], [])


class Package(BuildTest):
    def test_pack_and_consume_from_a_local_feed(self):
        nuget_config = self.write(self.path('nuget.config'),
                                  '<configuration><packageSources><clear />'
                                  f'<add key="local" value="{self.path("feed")}" />'
                                  '</packageSources></configuration>\n')
        self.ok(run([DOTNET, 'pack', os.path.join(SOURCE_DIR, 'msbuild', 'pack', 'CIPolicy.Build.Pack.csproj'),
                     '-o', self.path('feed'), '--configfile', nuget_config, '-nodeReuse:false',
                     '-p:CIPolicyVersion=0.1.0', '-p:CIPolicyLinuxX64Exe=' + EXE,
                     *(['-p:CIPolicyWinX64Exe=' + WIN_EXE] if WIN_EXE else []),
                     '-p:BaseIntermediateOutputPath=' + self.path('pack-obj') + os.sep,
                     '-p:BaseOutputPath=' + self.path('pack-bin') + os.sep]))
        with zipfile.ZipFile(self.path('feed', 'CIPolicy.Build.0.1.0.nupkg')) as z:
            tools = sorted(n for n in z.namelist() if n.startswith('tools/'))
            if WIN_EXE:
                with open(WIN_EXE, 'rb') as f:
                    self.assertEqual(z.read('tools/win-x64/cipolicy.exe'), f.read())
        # each executable given, nothing else
        self.assertEqual(tools, ['tools/linux-x64/cipolicy'] +
                         (['tools/win-x64/cipolicy.exe'] if WIN_EXE else []))

        app = self.path('app')
        self.make_pki_and_policies(app, ['a.bin'])
        self.write(os.path.join(app, 'app.csproj'), '''<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net$(BundledNETCoreAppTargetFrameworkVersion)</TargetFramework>
    <EnableDefaultItems>false</EnableDefaultItems>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="CIPolicy.Build" Version="0.1.0" />
    <CIPolicy Include="a.bin" />
  </ItemGroup>
</Project>
''')
        env = {'NUGET_PACKAGES': self.path('packages')}
        r = self.ok(run([DOTNET, 'build', os.path.join(app, 'app.csproj'), '--configfile', nuget_config,
                         '-nodeReuse:false', '-v:n', '-o', os.path.join(app, 'out')], env=env))
        packaged = os.path.join(self.path('packages'), 'cipolicy.build', '0.1.0', 'tools', 'linux-x64',
                                'cipolicy')
        self.assertIn(f') with {packaged}', r.out)
        self.assertVerifies(os.path.join(app, 'pki', 'root.cer'), os.path.join(app, 'out', A_CIP))
        if WIN_EXE:
            self.check_windows_tool_choice(os.path.join(self.path('packages'), 'cipolicy.build', '0.1.0'))

        # What NuGet imports into a .vcxproj: build/native/, which must find the packaged tool too.
        native = os.path.join(self.path('packages'), 'cipolicy.build', '0.1.0', 'build', 'native') + os.sep
        shutil.copytree(os.path.join(SOURCE_DIR, 'samples', 'msbuild'), self.path('vc'))
        r = self.ok(msbuild(self.path('vc', 'PolicySigning.vcxproj'), '-p:VCTargetsPath=' + VCTARGETS,
                            '-p:SampleCIPolicyDir=' + native))
        self.assertIn(f') with {packaged}', r.out)
        self.assertVerifies(self.path('vc', 'obj', 'dev-pki', 'root.cer'),
                            self.path('vc', 'x64', 'Debug', BASE_CIP))

    def check_windows_tool_choice(self, package):
        """The tool the package's targets resolve on a Windows host, with the host facts they read
        (OS, architecture, executable name) set as Windows has them, is the packaged exe, and it
        runs (under Wine)."""
        probe = self.write(self.path('probe.proj'),
                           f'<Project><Import Project="{package}/build/CIPolicy.Build.props" />'
                           f'<Import Project="{package}/build/CIPolicy.Build.targets" /></Project>\n')
        r = self.ok(msbuild(probe, '-t:CIPolicyResolveTool', '-getProperty:CIPolicyResolvedToolPath',
                            '-p:_CIPolicyOs=win', '-p:_CIPolicyArch=x64',
                            '-p:_CIPolicyExeName=cipolicy.exe'))
        chosen = os.path.normpath(r.out.strip().replace('\\', '/'))
        self.assertEqual(chosen, os.path.join(package, 'tools', 'win-x64', 'cipolicy.exe'))
        version = self.ok(run([WINE_RUN, chosen, '--version'],
                              env={'CIPOLICY_WINEPREFIX': self.path('wineprefix')}))
        self.assertRegex(version.out, r'^cipolicy \d+\.\d+\.\d+')


if __name__ == '__main__':
    if not DOTNET:
        print('SKIPPED: dotnet is not installed (the MSBuild tests need `dotnet msbuild`)')
        sys.exit(SKIP)
    main()
