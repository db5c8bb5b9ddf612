"""cpack on this build: the archive holds the tool, the CMake package, the MSBuild files and the
templates, under the documented folders (a .zip for the Windows build, a .tar.gz elsewhere)."""
import glob
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest
import zipfile

BUILD, EXE_NAME = sys.argv[1], sys.argv[2]


class ArchiveTest(unittest.TestCase):
    def test_archive_contents(self):
        out = tempfile.mkdtemp(prefix='cipolicy-cpack-')
        self.addCleanup(shutil.rmtree, out, ignore_errors=True)
        r = subprocess.run(['cpack', '--config', os.path.join(BUILD, 'CPackConfig.cmake'), '-B', out],
                           capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        archives = glob.glob(os.path.join(out, 'cipolicy-*.zip')) + \
            glob.glob(os.path.join(out, 'cipolicy-*.tar.gz'))
        self.assertEqual(len(archives), 1, os.listdir(out))
        archive = archives[0]
        if EXE_NAME.endswith('.exe'):
            self.assertTrue(archive.endswith('-win-x64.zip'), archive)
            with zipfile.ZipFile(archive) as z:
                names = z.namelist()
                exe = z.read(next(n for n in names if n.endswith('/bin/cipolicy.exe')))
            self.assertEqual(exe[:2], b'MZ')
        else:
            self.assertTrue(archive.endswith('.tar.gz'), archive)
            with tarfile.open(archive) as t:
                names = t.getnames()
                exe = t.extractfile(next(n for n in names if n.endswith('/bin/cipolicy'))).read()
            self.assertEqual(exe[:4], b'\x7fELF')
        top = os.path.basename(archive).rsplit('.zip', 1)[0].rsplit('.tar.gz', 1)[0]
        rel = {n[len(top) + 1:] for n in names if n.startswith(top + '/')}
        for expected in ('bin/' + EXE_NAME,
                         'lib/cmake/CIPolicy/CIPolicyConfig.cmake',
                         'lib/cmake/CIPolicy/CIPolicyFunctions.cmake',
                         'share/cipolicy/msbuild/build/CIPolicy.Build.targets',
                         'share/cipolicy/msbuild/build/native/CIPolicy.Build.targets',
                         'share/cipolicy/templates/policy/SignableBase.xml',
                         'share/doc/cipolicy/README.md'):
            self.assertIn(expected, rel)


if __name__ == '__main__':
    if not shutil.which('cpack'):
        print('SKIPPED: cpack is not installed')
        sys.exit(77)
    unittest.main(argv=sys.argv[:1])
