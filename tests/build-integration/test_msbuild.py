"""CIPolicy.Build (msbuild/) with the real `dotnet msbuild`: a plain project, the sample .vcxproj
against a stand-in for the Visual C++ targets (vctargets/), and the NuGet package made by
`dotnet pack` consumed from a local folder feed. Skipped (77) without dotnet."""
import glob
import os
import shutil
import sys

from buildsupport import (BUILD_DIR, EXE, SKIP, SOURCE_DIR, BuildTest, Counter, main, run,
                          touch)

DOTNET = shutil.which('dotnet')
TARGETS_DIR = os.path.join(SOURCE_DIR, 'msbuild', 'build') + os.sep
VCTARGETS = os.path.join(SOURCE_DIR, 'tests', 'build-integration', 'vctargets') + os.sep

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
        a, b = self.path('out', 'a.cip'), self.path('out', 'Second.cip')
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
        self.assertVerifies(self.path('pki', 'root.cer'), self.path('custom', 'a.cip'))

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
        for name in ('CIPolicyToolPath', 'CIPOLICY_TOOL_PATH', 'packaged tool'):
            self.assertIn(name, r.out)

    def test_metadata_and_timestamp_urls_map_to_flags(self):
        # A stand-in tool that records its arguments: the real one would contact the services.
        fake = self.write(self.path('fake-tool'), f'#!/bin/sh\nprintf "%s\\n" "$*" >> {self.counter.log}\n'
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
        signed = [os.path.join(out, 'policy-a.cip'), os.path.join(out, 'policy-b.cip')]
        self.assertVerifies(self.path('sample', 'obj', 'dev-pki', 'root.cer'), *signed)
        self.assertEqual(len(self.counter.take()), 2)
        tlog = os.path.join(out, 'PolicySigning.tlog', 'CIPolicy.read.1u.tlog')
        with open(tlog, encoding='utf-16') as f:
            lines = f.read().split()
        self.assertIn('^' + self.path('sample', 'obj', 'dev-pki', 'policy-a.bin').upper(), lines)
        self.assertIn(self.path('sample', 'obj', 'dev-pki', 'cipolicy.yaml').upper(), lines)

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
                            self.path('sample', 'x64', 'Release', 'policy-a.cip'))


    def test_plain_sample_project(self):
        proj = self.path('sample', 'Policies.proj')
        self.ok(msbuild(proj, *self.args[1:]))
        signed = [self.path('sample', 'out', 'policy-a.cip'), self.path('sample', 'out', 'policy-b.cip')]
        self.assertVerifies(self.path('sample', 'obj', 'dev-pki', 'root.cer'), *signed)
        self.assertEqual(len(self.counter.take()), 2)
        self.ok(msbuild(proj, *self.args[1:]))
        self.assertEqual(self.counter.take(), [])
        self.ok(msbuild(proj, *self.args[1:], '-t:Clean'))
        self.assertEqual([f for f in signed if os.path.exists(f)], [])


class Package(BuildTest):
    def test_pack_and_consume_from_a_local_feed(self):
        tools = self.path('tools', 'linux-x64')
        os.makedirs(tools)
        shutil.copy2(EXE, os.path.join(tools, 'cipolicy'))
        nuget_config = self.write(self.path('nuget.config'),
                                  '<configuration><packageSources><clear />'
                                  f'<add key="local" value="{self.path("feed")}" />'
                                  '</packageSources></configuration>\n')
        self.ok(run([DOTNET, 'pack', os.path.join(SOURCE_DIR, 'msbuild', 'pack', 'CIPolicy.Build.Pack.csproj'),
                     '-o', self.path('feed'), '--configfile', nuget_config, '-nodeReuse:false',
                     '-p:CIPolicyVersion=0.1.0', '-p:CIPolicyToolsDir=' + self.path('tools'),
                     '-p:BaseIntermediateOutputPath=' + self.path('pack-obj') + os.sep,
                     '-p:BaseOutputPath=' + self.path('pack-bin') + os.sep]))
        self.assertTrue(os.path.isfile(self.path('feed', 'CIPolicy.Build.0.1.0.nupkg')))

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
        self.assertIn(f'"{packaged}" sign', r.out)
        self.assertVerifies(os.path.join(app, 'pki', 'root.cer'), os.path.join(app, 'out', 'a.cip'))

        # What NuGet imports into a .vcxproj: build/native/, which must find the packaged tool too.
        native = os.path.join(self.path('packages'), 'cipolicy.build', '0.1.0', 'build', 'native') + os.sep
        shutil.copytree(os.path.join(SOURCE_DIR, 'samples', 'msbuild'), self.path('vc'))
        r = self.ok(msbuild(self.path('vc', 'PolicySigning.vcxproj'), '-p:VCTargetsPath=' + VCTARGETS,
                            '-p:SampleCIPolicyDir=' + native))
        self.assertIn(f'"{packaged}" sign', r.out)
        self.assertVerifies(self.path('vc', 'obj', 'dev-pki', 'root.cer'),
                            self.path('vc', 'x64', 'Debug', 'policy-a.cip'))


if __name__ == '__main__':
    if not DOTNET:
        print('SKIPPED: dotnet is not installed (the MSBuild tests need `dotnet msbuild`)')
        sys.exit(SKIP)
    main()
