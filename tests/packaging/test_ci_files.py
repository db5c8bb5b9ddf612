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
                    # PkgConfig finds p11-kit for PKCS#11, which is off on Windows
                    # (CIPOLICY_PKCS11), where vcpkg builds.
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


if __name__ == '__main__':
    unittest.main(argv=sys.argv[:1])
