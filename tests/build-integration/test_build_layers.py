"""What a user copies signs, whatever the import order; nothing is silently unsigned or stale;
configurations stay apart; no file name reaches a shell; depfiles survive hostile names.
Real cmake (Ninja, Unix Makefiles, Ninja Multi-Config) and the real `dotnet msbuild`/`dotnet build`,
on projects copied out of the repository into a temporary folder. Tests count tool runs (a
wrapper logs each one); they never time anything."""
import glob
import json
import os
import re
import shutil
import sys

from buildsupport import EXE, SKIP, SOURCE_DIR, BuildTest, Counter, main, run, touch

DOTNET = shutil.which('dotnet')
TARGETS_DIR = os.path.join(SOURCE_DIR, 'msbuild', 'build') + os.sep
MODULE = os.path.join(SOURCE_DIR, 'cmake-modules', 'CIPolicyFunctions.cmake')
TEMPLATES = os.path.join(SOURCE_DIR, 'templates')
A_CIP = '{5E1F0C2A-0000-4000-8000-000000000001}.cip'
B_CIP = '{5E1F0C2A-0000-4000-8000-000000000002}.cip'
BASE_CIP = '{5E1A6D2C-8B0F-4C1E-9F3A-2D7B4C6E8A10}.cip'
SUPPLEMENTAL_CIP = '{5E1A6D2C-8B0F-4C1E-9F3A-2D7B4C6E8A11}.cip'
# Every character a shell or a depfile grammar treats specially, and a non-ASCII one. A shell that
# saw `$(touch PWNED)` or the backticks would create PWNED files beside the project.
HOSTILE = "x $(touch PWNED1) `touch PWNED2` ' \" ; & % # é"


def msbuild(project, *args, env=None):
    return run([DOTNET, 'msbuild', project, '-nologo', '-v:n', '-nodeReuse:false', *args], env=env)


def digest_of(path):
    r = run([EXE, 'inspect', path, '--json'])
    m = re.search(r'"digest(?:Algorithm)?"\s*:\s*"([a-z0-9]+)"', r.out)
    return m.group(1) if m else r.out


class LayerTest(BuildTest):
    def policies_from_templates(self, folder, root):
        """policies/base.xml and supplemental.xml made from templates/policy with `root` as signer,
        as docs/build-integration.md tells a user to."""
        os.makedirs(os.path.join(folder, 'policies'), exist_ok=True)
        for name, extra in (('base', ['--supplemental']), ('supplemental', [])):
            self.ok(run([EXE, 'add-signer', os.path.join(TEMPLATES, 'policy', f'Signable{name.title()}.xml'),
                         '--cert', root, '--update', *extra,
                         '-o', os.path.join(folder, 'policies', name + '.xml')]))

    def assertNoShell(self, *folders):
        for folder in folders:
            for dirpath, _, files in os.walk(folder):
                self.assertFalse([f for f in files if f.startswith('PWNED')],
                                 f'a shell ran text from a file name in {dirpath}')


class ToolResponseFile(LayerTest):
    """`cipolicy @FILE`: what the MSBuild targets run instead of a shell command line."""

    def test_arguments_are_read_verbatim_one_per_line(self):
        folder = self.path(HOSTILE)
        self.make_pki_and_policies(folder, [f'p{HOSTILE}.bin'])
        out = os.path.join(folder, f'out {HOSTILE}')
        rsp = self.write(self.path('sign.rsp'), '\r\n'.join(
            ['sign', os.path.join(folder, f'p{HOSTILE}.bin'), '', '--config',
             os.path.join(folder, 'cipolicy.yaml'), '--output-dir', out, '--depfile',
             os.path.join(folder, 'p.d'), '--depfile-format', 'lines']) + '\r\n')
        self.ok(run([EXE, '@' + rsp, '--quiet']))
        self.assertVerifies(os.path.join(folder, 'pki', 'root.cer'), os.path.join(out, A_CIP))
        with open(os.path.join(folder, 'p.d'), encoding='utf-8') as f:
            lines = f.read().split('\n')
        self.assertEqual(lines[0], os.path.join(out, A_CIP))
        self.assertIn(os.path.join(folder, 'pki', 'signer.key'), lines)
        self.assertNoShell(self.dir, os.getcwd())

    def test_errors_name_the_file(self):
        r = self.fails(run([EXE, '@' + self.path('missing.rsp')]), self.path('missing.rsp'))
        self.assertEqual(r.code, 3, r.out)
        rsp = self.write(self.path('nested.rsp'), '@other.rsp\nsign\n')
        self.fails(run([EXE, '@' + rsp]), 'a response file starts with the command name')
        rsp = self.write(self.path('bad.rsp'), 'sign\nx.bin\n--depfile\nx.d\n--depfile-format\nyaml\n')
        self.fails(run([EXE, '@' + rsp]), "--depfile-format 'yaml' is not one of make, ninja, lines")


class CMakeTemplates(LayerTest):
    """templates/CMakeLists.snippet.cmake and the cipolicy.yaml beside it, as a user copies them."""

    def setUp(self):
        super().setUp()
        self.src = self.path('src')
        self.make_pki_and_policies(self.src, [])
        self.policies_from_templates(self.src, os.path.join(self.src, 'pki', 'root.cer'))
        with open(os.path.join(TEMPLATES, 'CMakeLists.snippet.cmake')) as f:
            snippet = f.read()
        # The user's own project around it; the package is found through CMAKE_PREFIX_PATH, the
        # tool is the counting wrapper.
        self.write(os.path.join(self.src, 'CMakeLists.txt'),
                   'cmake_minimum_required(VERSION 3.25)\nproject(app LANGUAGES NONE)\n' + snippet)
        self.counter = Counter(self.dir)
        self.prefix = self.path('prefix')
        os.makedirs(self.prefix)
        self.write(os.path.join(self.prefix, 'lib', 'cmake', 'CIPolicy', 'CIPolicyConfig.cmake'),
                   f'set(CIPolicy_VERSION 0.1.0)\ninclude("{MODULE}")\n')
        self.write(os.path.join(self.prefix, 'lib', 'cmake', 'CIPolicy', 'CIPolicyConfigVersion.cmake'),
                   'set(PACKAGE_VERSION 0.1.0)\nset(PACKAGE_VERSION_COMPATIBLE TRUE)\n')

    def configure(self, *defs, generator='Ninja'):
        return run(['cmake', '-S', self.src, '-B', self.path('build'), '-G', generator,
                    '-DCMAKE_PREFIX_PATH=' + self.prefix, '-DCIPOLICY_EXECUTABLE=' + self.counter.path,
                    *defs])

    def test_snippet_with_cipolicy_yaml_beside_it_signs(self):
        r = self.ok(self.configure())
        self.assertNotIn('CIP9010', r.out)
        self.ok(run(['cmake', '--build', self.path('build')]))
        signed = [self.path('build', 'signed', BASE_CIP), self.path('build', 'signed', SUPPLEMENTAL_CIP)]
        self.assertVerifies(os.path.join(self.src, 'pki', 'root.cer'), *signed)
        self.assertEqual(self.counter.runs(), {'compile': 2, 'sign': 2, 'verify': 1})
        self.ok(run(['cmake', '--build', self.path('build')]))
        self.assertEqual(self.counter.runs(), {})

    def test_no_configuration_warns_naming_the_switch(self):
        os.remove(os.path.join(self.src, 'cipolicy.yaml'))
        r = self.ok(self.configure())
        self.assertIn('CMake Warning', r.out)
        flat = ' '.join(r.out.split())
        self.assertIn('CIP9010: not signed, no signing configuration', flat)
        self.assertIn('-DCIPOLICY_SIGNING=OFF builds unsigned without this warning', flat)
        shutil.rmtree(self.path('build'))
        r = self.ok(self.configure('-DCIPOLICY_SIGNING=OFF'))
        self.assertNotIn('CMake Warning', r.out)
        shutil.rmtree(self.path('build'))
        self.fails(self.configure('-DCIPOLICY_SIGNING=ON'), 'CIP9002: CIPOLICY_SIGNING is ON')

    def test_effective_options_re_sign_under_make(self):
        # Make does not compare command lines: the options stamp must make it re-sign.
        cml = os.path.join(self.src, 'CMakeLists.txt')
        with open(cml) as f:
            text = f.read()
        self.write(cml, text.replace('  # FORMAT_VERSION 7', '  FORMAT_VERSION ${FORMAT}')
                   .replace('  # TIMESTAMP_URLS http://timestamp.acs.microsoft.com', '  ${EXTRA}'))
        gen = 'Unix Makefiles'
        self.ok(self.configure('-DFORMAT=8', '-DEXTRA=', generator=gen))
        self.ok(run(['cmake', '--build', self.path('build')]))
        self.assertEqual(self.counter.runs(), {'compile': 2, 'sign': 2, 'verify': 1})
        self.ok(self.configure('-DFORMAT=7', generator=gen))
        self.ok(run(['cmake', '--build', self.path('build')]))
        self.assertEqual(self.counter.runs(), {'compile': 2, 'sign': 2, 'verify': 1})
        self.ok(self.configure(generator=gen))
        self.ok(run(['cmake', '--build', self.path('build')]))
        self.assertEqual(self.counter.runs(), {}, 'a re-configure with the same options re-ran')
        # A digest in the configuration file re-signs through the file; one given to the tool by
        # a new cipolicy.yaml path too. Here: the config file named by another path.
        shutil.copy(os.path.join(self.src, 'cipolicy.yaml'), os.path.join(self.src, 'other.yaml'))
        self.ok(self.configure('-DCIPOLICY_CONFIG=' + os.path.join(self.src, 'other.yaml'), generator=gen))
        self.ok(run(['cmake', '--build', self.path('build')]))
        self.assertEqual(self.counter.runs(), {'sign': 2, 'verify': 1})


class CMakeGenerators(LayerTest):
    """Per-configuration folders and hostile names under each generator."""

    def project(self, folder, extra=''):
        self.write(os.path.join(folder, 'CMakeLists.txt'),
                   f'cmake_minimum_required(VERSION 3.25)\nproject(t LANGUAGES NONE)\ninclude("{MODULE}")\n'
                   f'cipolicy_sign(p ALL POLICIES a.bin b.bin OUTPUT_DIR out {extra})\n')

    def test_ninja_multi_config_keeps_configurations_apart(self):
        src = self.path('src')
        self.make_pki_and_policies(src, ['a.bin', 'b.bin'])
        self.project(src)
        counter = Counter(self.dir)
        b = self.path('build')
        self.ok(run(['cmake', '-S', src, '-B', b, '-G', 'Ninja Multi-Config',
                     '-DCIPOLICY_EXECUTABLE=' + counter.path]))
        for config in ('Debug', 'Release'):
            self.ok(run(['cmake', '--build', b, '--config', config]))
            self.assertEqual(len(counter.take()), 2, config)
            self.assertVerifies(os.path.join(src, 'pki', 'root.cer'), os.path.join(b, 'out', config, A_CIP))
        for config in ('Debug', 'Release', 'Debug'):
            self.ok(run(['cmake', '--build', b, '--config', config]))
            self.assertEqual(counter.take(), [], f'switching to {config} re-signed')
        touch(os.path.join(src, 'pki', 'signer.key'))
        self.ok(run(['cmake', '--build', b, '--config', 'Release']))
        self.assertEqual(len(counter.take()), 2)
        self.ok(run(['cmake', '--build', b, '--config', 'Release']))
        self.assertEqual(counter.take(), [])

    def hostile_noop(self, generator):
        # CMake itself refuses '#' and ';' in source and build folders: the names the tool writes
        # into the depfile are those the configuration names, here a key and certificates in a
        # folder holding every hostile character.
        src = self.path('src')
        self.make_pki_and_policies(src, ['a.bin', 'b.bin'])
        os.rename(os.path.join(src, 'pki'), os.path.join(src, HOSTILE))
        q = lambda name: json.dumps(HOSTILE + '/' + name)
        self.write(os.path.join(src, 'cipolicy.yaml'),
                   f'provider: local\nlocal:\n  cert: {q("signer.pem")}\n  key: {q("signer.key")}\n'
                   f'  chain: {q("chain.pem")}\n')
        self.project(src)
        counter = Counter(self.dir)
        b = self.path('build')
        self.ok(run(['cmake', '-S', src, '-B', b, '-G', generator, '-DCIPOLICY_EXECUTABLE=' + counter.path]))
        self.ok(run(['cmake', '--build', b]))
        self.assertEqual(len(counter.take()), 2)
        self.assertVerifies(os.path.join(src, HOSTILE, 'root.cer'), os.path.join(b, 'out', A_CIP))
        r = self.ok(run(['cmake', '--build', b]))
        self.assertEqual(counter.take(), [], 'a no-op build re-signed: ' + r.out[-2000:])
        # The key the configuration names, found through the depfile despite the characters.
        touch(os.path.join(src, HOSTILE, 'signer.key'))
        self.ok(run(['cmake', '--build', b]))
        self.assertEqual(len(counter.take()), 2, 'an edited key did not re-sign')
        self.ok(run(['cmake', '--build', b]))
        self.assertEqual(counter.take(), [])
        self.assertNoShell(self.dir)

    def test_hostile_names_ninja(self):
        self.hostile_noop('Ninja')

    def test_hostile_names_unix_makefiles(self):
        self.hostile_noop('Unix Makefiles')


SDK_PROJECT = f'''<Project Sdk="Microsoft.NET.Sdk">
  <Import Project="{TARGETS_DIR}CIPolicy.Build.props" />
  <PropertyGroup>
    <TargetFramework>net$(BundledNETCoreAppTargetFrameworkVersion)</TargetFramework>
    <EnableDefaultItems>false</EnableDefaultItems>
  </PropertyGroup>
  <ItemGroup>
    <CIPolicy Include="policies/*.bin" />
  </ItemGroup>
  <Import Project="{TARGETS_DIR}CIPolicy.Build.targets" />
</Project>
'''


class MSBuildLayers(LayerTest):
    def setUp(self):
        super().setUp()
        if not DOTNET:
            self.skipTest('dotnet is not installed')
        self.counter = Counter(self.dir)
        self.tool = '-p:CIPolicyToolPath=' + self.counter.path
        self.nuget = self.write(self.path('nuget.config'),
                                '<configuration><packageSources><clear /></packageSources></configuration>\n')

    def sdk_app(self, folder, names=('a.bin', 'b.bin')):
        self.make_pki_and_policies(folder, [])
        os.makedirs(os.path.join(folder, 'policies'), exist_ok=True)
        for i, name in enumerate(names):
            self.ok(run([EXE, 'new-policy', '--update-signer', os.path.join(folder, 'pki', 'root.cer'),
                         '--policy-id', f'{{5e1f0c2a-0000-4000-8000-{i + 1:012d}}}',
                         '-o', os.path.join(folder, 'policies', name)]))
        return self.write(os.path.join(folder, 'app.csproj'), SDK_PROJECT)

    def dotnet(self, verb, proj, *args):
        # Run in the project's folder: the dotnet CLI drops '"' from a project path argument.
        source = ['--configfile', self.nuget] if verb == 'build' else []
        return run([DOTNET, verb, *source, '-nodeReuse:false', '-v:n', self.tool, *args],
                   cwd=os.path.dirname(proj), env={'NUGET_PACKAGES': self.path('packages')})

    def test_sdk_style_with_manual_imports_signs_per_configuration_and_cleans_exactly(self):
        app = self.path('app')
        proj = self.sdk_app(app)
        root = os.path.join(app, 'pki', 'root.cer')
        self.ok(self.dotnet('build', proj))
        self.assertEqual(len(self.counter.take()), 2, 'the SDK-style project signed nothing')
        debug = glob.glob(os.path.join(app, 'bin', 'Debug', '*', A_CIP))
        self.assertEqual(len(debug), 1, os.listdir(app))
        self.assertVerifies(root, debug[0])
        self.ok(self.dotnet('build', proj, '-c', 'Release'))
        self.assertEqual(len(self.counter.take()), 2)
        release = glob.glob(os.path.join(app, 'bin', 'Release', '*', A_CIP))
        self.assertEqual(len(release), 1)
        for config in ('Debug', 'Release', 'Debug'):
            self.ok(self.dotnet('build', proj, '-c', config))
            self.assertEqual(self.counter.take(), [], f'switching to {config} re-signed')
        self.ok(self.dotnet('clean', proj, '-c', 'Release'))
        self.assertFalse(os.path.exists(release[0]))
        self.assertTrue(os.path.exists(debug[0]), 'cleaning Release deleted the Debug files')
        self.ok(self.dotnet('build', proj))
        self.assertEqual(self.counter.take(), [])

    def test_sample_copied_out_says_what_it_needs(self):
        shutil.copytree(os.path.join(SOURCE_DIR, 'samples', 'msbuild'), self.path('sample'))
        r = self.fails(msbuild(self.path('sample', 'Policies.proj')),
                       'error : CIPolicy.Build is not imported: pass -p:SampleCIPolicyDir=')
        self.assertNotIn('Build succeeded', r.out)

    def test_no_configuration_warns_naming_the_property(self):
        app = self.path('app')
        proj = self.sdk_app(app)
        os.remove(os.path.join(app, 'cipolicy.yaml'))
        r = self.ok(self.dotnet('build', proj))
        self.assertRegex(r.out, r'app\.csproj : warning CIP9010: CIPolicy: a\.bin, b\.bin not signed')
        self.assertIn('set CIPolicySigningEnabled=false to build unsigned without this warning', r.out)
        r = self.ok(self.dotnet('build', proj, '-p:CIPolicySigningEnabled=false'))
        self.assertNotIn('warning CIP9010', r.out)

    def test_effective_options_re_sign_exactly(self):
        app = self.path('app')
        proj = self.sdk_app(app)
        a = lambda: glob.glob(os.path.join(app, 'bin', 'Debug', '*', A_CIP))[0]
        self.ok(self.dotnet('build', proj))
        self.assertEqual(len(self.counter.take()), 2)
        self.assertEqual(digest_of(a()), 'sha256')
        sha384 = '-p:CIPolicyAdditionalOptions=--digest sha384'
        self.ok(self.dotnet('build', proj, sha384))
        self.assertEqual(len(self.counter.take()), 2, 'a new digest did not re-sign')
        self.assertEqual(digest_of(a()), 'sha384')
        self.ok(self.dotnet('build', proj, sha384))
        self.assertEqual(self.counter.take(), [])
        self.ok(self.dotnet('build', proj))
        self.assertEqual(len(self.counter.take()), 2, 'dropping the digest kept the sha384 files')
        self.assertEqual(digest_of(a()), 'sha256')
        # Another tool (a package update, another path) re-signs even if its file is older.
        other = Counter(self.dir, name='cipolicy-other', log=self.counter.log)
        os.utime(other.path, (1, 1))
        self.ok(self.dotnet('build', proj, '-p:CIPolicyToolPath=' + other.path))
        self.assertEqual(len(self.counter.take()), 2, 'another tool did not re-sign')

    def test_hostile_file_names_never_reach_a_shell(self):
        app = self.path(HOSTILE, 'app')
        proj = self.sdk_app(app, names=(f'p{HOSTILE}q.bin', 'b.bin'))
        r = self.ok(self.dotnet('build', proj))
        self.assertNoShell(self.path(HOSTILE), os.getcwd())
        self.assertEqual(len(self.counter.take()), 2, r.out)
        signed = glob.glob(os.path.join(glob.escape(app), 'bin', 'Debug', '*', A_CIP))
        self.assertEqual(len(signed), 1, r.out)
        self.assertVerifies(os.path.join(app, 'pki', 'root.cer'), signed[0])
        r = self.ok(self.dotnet('build', proj))
        self.assertEqual(self.counter.take(), [], 'a no-op build re-signed: ' + r.out[-3000:])
        touch(os.path.join(app, 'pki', 'signer.key'))
        self.ok(self.dotnet('build', proj))
        self.assertEqual(len(self.counter.take()), 2, 'an edited key did not re-sign')
        self.ok(self.dotnet('clean', proj))
        self.assertFalse(os.path.exists(signed[0]), 'Clean left the signed file')
        self.assertNoShell(self.path(HOSTILE), os.getcwd())


if __name__ == '__main__':
    main()
