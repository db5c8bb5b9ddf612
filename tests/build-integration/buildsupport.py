"""Helpers for the build-integration tests: temp folders, a counting cipolicy wrapper, and
running cmake / dotnet msbuild. Run with /usr/bin/python3; stdlib only."""
import os
import time
import shutil
import stat
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.abspath(os.path.join(HERE, '..', '..'))
EXE = os.environ.get('CIPOLICY_EXE', '')
BUILD_DIR = os.environ.get('CIPOLICY_BUILD_DIR', '')
SKIP = 77


def require_exe():
    if not EXE or not os.path.isfile(EXE):
        raise SystemExit(f'CIPOLICY_EXE={EXE!r} is not a built cipolicy (run from ctest)')


class Run:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout.decode('utf-8', 'replace') + proc.stderr.decode('utf-8', 'replace')

    def __repr__(self):
        return f'exit {self.code}\n{self.out}'


def run(args, cwd=None, env=None, timeout=600):
    full_env = dict(os.environ)
    full_env.update(env or {})
    # Keep MSBuild from leaving server processes behind and from phoning home.
    full_env.setdefault('MSBUILDDISABLENODEREUSE', '1')
    full_env.setdefault('DOTNET_CLI_TELEMETRY_OPTOUT', '1')
    full_env.setdefault('DOTNET_NOLOGO', '1')
    full_env.setdefault('DOTNET_SKIP_FIRST_TIME_EXPERIENCE', '1')
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=full_env, capture_output=True,
                          timeout=timeout)
    return Run(proc)


class Counter:
    """A shell script standing in for cipolicy: logs its arguments (those of a response file
    `@file`, as the tool reads them: one per line), then runs the real tool."""

    def __init__(self, folder, real=None, name='cipolicy-counting', log=None):
        self.log = log or os.path.join(folder, name + '.log')
        self.path = os.path.join(folder, name)
        with open(self.path, 'w') as f:
            f.write('#!/bin/sh\n'
                    'case "$1" in\n'
                    f'  @*) {{ tr \'\\n\' \' \' < "${{1#@}}"; echo; }} >> "{self.log}" ;;\n'
                    f'  *) printf "%s\\n" "$*" >> "{self.log}" ;;\n'
                    'esac\n'
                    f'exec "{real or EXE}" "$@"\n')
        os.chmod(self.path, os.stat(self.path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        open(self.log, 'w').close()

    def calls(self, command='sign'):
        with open(self.log) as f:
            return [line.strip() for line in f if line.split(' ', 1)[0] == command]

    def runs(self):
        """The tool runs since the last take() or runs(), by command (compile, sign, verify),
        then forget them."""
        counts = {c: len(self.calls(c)) for c in ('compile', 'sign', 'verify') if self.calls(c)}
        self.take()
        return counts

    def take(self, command='sign'):
        """The calls since the last take(), then forget them."""
        calls = self.calls(command)
        open(self.log, 'w').close()
        return calls


class BuildTest(unittest.TestCase):
    def setUp(self):
        require_exe()
        self.dir = tempfile.mkdtemp(prefix='cipolicy-build-')
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def write(self, path, text):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(text)
        return path

    def ok(self, result):
        self.assertEqual(result.code, 0, repr(result))
        return result

    def fails(self, result, *needles):
        self.assertNotEqual(result.code, 0, repr(result))
        flat = ' '.join(result.out.split())  # CMake wraps long messages
        for n in needles:
            self.assertIn(n, flat, repr(result))
        return result

    def make_pki_and_policies(self, folder, names):
        """A development PKI, a cipolicy.yaml naming it, and one signable policy per name."""
        self.ok(run([EXE, 'dev-pki', '--out-dir', os.path.join(folder, 'pki')]))
        for i, name in enumerate(names):
            self.ok(run([EXE, 'new-policy', '--update-signer', os.path.join(folder, 'pki', 'root.cer'),
                         '--policy-id', f'{{5e1f0c2a-0000-4000-8000-{i + 1:012d}}}',
                         '-o', os.path.join(folder, name)]))
        return self.write(os.path.join(folder, 'cipolicy.yaml'),
                          'provider: local\nlocal:\n  cert: pki/signer.pem\n  key: pki/signer.key\n'
                          '  chain: pki/chain.pem\n')

    def assertVerifies(self, root, *files):
        for f in files:
            self.assertTrue(os.path.isfile(f), f'{f} was not written')
            r = run([EXE, 'verify', '--root', root, f])
            self.assertEqual(r.code, 0, f'{f} does not verify: {r!r}')
            self.assertIn('valid', r.out)


def touch(path):
    # Linux stamps files from a coarse clock (a few ms): right after a build, a touched input can
    # get the same mtime as the output just written, and Ninja/MSBuild then rightly see nothing
    # new. A person's edit comes later than that; wait out one tick so the test does too.
    time.sleep(0.05)
    os.utime(path, None)


def main():
    unittest.main(verbosity=2)
