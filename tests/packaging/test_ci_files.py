"""The files of the native Windows CI job, which cannot run here: the workflow parses and builds,
tests and runs the MSBuild sample; vcpkg.json names a port for every package the CMake files
find, and nothing more."""
import json
import os
import re
import sys
import unittest

ROOT = sys.argv[1]

# find_package name -> vcpkg port (components become their own Boost ports).
PORTS = {'OpenSSL': 'openssl', 'nlohmann_json': 'nlohmann-json', 'yaml-cpp': 'yaml-cpp',
         'CURL': 'curl', 'pugixml': 'pugixml', 'Catch2': 'catch2'}


def cmake_packages():
    found = set()
    for folder, _, files in os.walk(ROOT):
        rel = os.path.relpath(folder, ROOT).replace(os.sep, '/')
        # The project's own CMake files, not build trees, samples or test projects.
        if rel.split('/')[0].startswith(('build', '.git', 'samples')) or \
                rel.startswith('tests/build-integration'):
            continue
        for name in files:
            if name == 'CMakeLists.txt':
                text = open(os.path.join(folder, name)).read()
                for m in re.finditer(r'find_package\((\w[\w-]*)([^)]*)\)', text):
                    pkg, rest = m.groups()
                    if pkg == 'Boost':
                        comps = re.search(r'COMPONENTS\s+([\w\s]+)', rest).group(1).split()
                        found.update('boost-' + c.replace('_', '-') for c in comps)
                    # PkgConfig only finds p11-kit's module folder (Linux) and, for the unit
                    # tests, p11-kit's URI parser to compare with; no vcpkg port is needed.
                    elif pkg not in ('CIPolicy', 'PkgConfig'):
                        found.add(PORTS.get(pkg, '?' + pkg))
    return found


class CiFilesTest(unittest.TestCase):
    def test_vcpkg_manifest_lists_every_package(self):
        with open(os.path.join(ROOT, 'vcpkg.json')) as f:
            manifest = json.load(f)
        ports = set(manifest['dependencies'])
        for feature in manifest.get('features', {}).values():
            ports.update(feature['dependencies'])
        self.assertEqual(ports, cmake_packages())
        # The version is declared once, in CMakeLists.txt's project(); a manifest that is not a
        # port needs none, and a copy would drift.
        self.assertFalse({'version', 'version-string', 'version-semver', 'version-date'} & set(manifest))

    def test_windows_workflow(self):
        import yaml
        with open(os.path.join(ROOT, '.github', 'workflows', 'windows.yml')) as f:
            workflow = yaml.safe_load(f)
        job = workflow['jobs']['msvc']
        self.assertTrue(job['runs-on'].startswith('windows'))
        runs = '\n'.join(step.get('run', '') for step in job['steps'])
        self.assertIn('vcpkg.cmake', runs)
        self.assertIn('cmake --build', runs)
        self.assertIn('ctest', runs)
        sample = re.search(r'msbuild (\S+\.vcxproj)', runs)
        self.assertTrue(sample, 'the workflow builds the MSBuild sample')
        self.assertTrue(os.path.exists(os.path.join(ROOT, sample.group(1).replace('\\', '/'))))

    def test_release_workflow(self):
        """On a version tag: native macOS jobs whose archives and tools join the package, then
        scripts/release.sh on Debian 12 with them, the release's own test, and publishing."""
        import yaml
        with open(os.path.join(ROOT, '.github', 'workflows', 'release.yml')) as f:
            workflow = yaml.safe_load(f)
        # PyYAML reads the key `on` as the boolean True.
        trigger = workflow.get('on', workflow.get(True))
        self.assertEqual(trigger['push']['tags'], ['v*'])
        macos = workflow['jobs']['macos']
        rids = sorted(entry['rid'] for entry in macos['strategy']['matrix']['include'])
        self.assertEqual(rids, ['osx-arm64', 'osx-x64'])
        mac_runs = '\n'.join(step.get('run', '') for step in macos['steps'])
        self.assertIn('cpack', mac_runs)
        self.assertIn('tools/${{ matrix.rid }}/cipolicy', mac_runs)
        release = workflow['jobs']['release']
        self.assertEqual(release['needs'], 'macos')
        self.assertEqual(release['container'], 'debian:12')
        runs = '\n'.join(step.get('run', '') for step in release['steps'])
        script = re.search(r'CIPOLICY_EXTRA_TOOLS_DIR=\S+ CIPOLICY_EXTRA_ARCHIVES_DIR=\S+ \\\s*bash (\S+)', runs)
        self.assertTrue(script, 'release.sh gets the macOS tools and archives')
        self.assertEqual(script.group(1), 'scripts/release.sh')
        self.assertTrue(os.access(os.path.join(ROOT, script.group(1)), os.X_OK))
        # Every variable the workflow gives release.sh is one the script reads.
        release_sh = open(os.path.join(ROOT, 'scripts', 'release.sh')).read()
        given = set(re.findall(r'\b(CIPOLICY_[A-Z_]+)=', runs))
        for step in release['steps']:
            given.update(k for k in step.get('env', {}) if k.startswith('CIPOLICY_'))
        self.assertTrue(given)
        for name in given:
            self.assertIn('${' + name, release_sh, name)
        self.assertIn('tests/packaging/test_release.py dist', runs)
        self.assertIn('gh release create', runs)
        self.assertTrue(os.path.isfile(os.path.join(ROOT, 'tests', 'packaging', 'test_release.py')))
        # The cache key names every file that goes into the static prefixes' keys.
        cache = next(s for s in release['steps'] if s.get('uses', '').startswith('actions/cache'))
        self.assertEqual(cache['with']['path'], '~/.cache/cipolicy')
        for f in ('scripts/deps/', 'scripts/linux-static/', 'scripts/windows/build-deps.sh'):
            self.assertIn(f, cache['with']['key'])


if __name__ == '__main__':
    unittest.main(argv=sys.argv[:1])
