"""Running the real cipolicy executable from integration tests."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

EXE = os.environ.get('CIPOLICY_EXE', 'cipolicy')
# The Windows build's tests: cipolicy.exe under Wine (CIPOLICY_EXE is then a wrapper).
WINE = os.environ.get('CIPOLICY_TEST_WINE') == '1'
# Schannel (the Windows build's TLS) matches certificates by host name, never by IP address, so
# the local TLS mocks are reached as localhost there; their certificates name both.
TEST_HOST = 'localhost' if WINE else '127.0.0.1'


def native_path(path):
    """An absolute path as the tool spells it: under Wine, the Windows form (drive Z: is /)."""
    return 'Z:' + path.replace('/', '\\') if WINE else path


def skip_under_wine(reason):
    """Skips a test when the Windows exe runs under Wine, with the reason it cannot run there."""
    return unittest.skipIf(WINE, f'under Wine: {reason}')


def shared_dir():
    """../shared beside the checkout (or $CIPOLICY_SHARED_DIR); None when absent."""
    d = os.environ.get('CIPOLICY_SHARED_DIR') or os.path.join(
        os.path.dirname(__file__), '..', '..', '..', 'shared')
    return d if os.path.isdir(os.path.join(d, 'oracles')) else None


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout.decode('utf-8', 'replace')
        self.err = proc.stderr.decode('utf-8', 'replace')

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return f'exit {self.code}\nstdout: {self.out}\nstderr: {self.err}'


def run(*args, env=None, cwd=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    # No standard input: the tool never reads it unasked (and under Wine, a call whose input is
    # /dev/null may be run again after a failure of Wine's own, see scripts/windows/wine-run.sh).
    proc = subprocess.run([EXE, *map(str, args)], capture_output=True, env=full_env, cwd=cwd,
                          stdin=subprocess.DEVNULL, timeout=120)
    return Result(proc)


def openssl(*args, input=None):
    return subprocess.run(['openssl', *map(str, args)], capture_output=True, input=input)


class CliTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='cipolicy-test-')
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def read(self, path):
        with open(path, 'rb') as f:
            return f.read()

    def write(self, path, data):
        with open(path, 'wb') as f:
            f.write(data)
        return path

    def assertExit(self, result, code, message=None):
        self.assertEqual(result.code, code, repr(result))
        if message is not None:
            self.assertIn(message, result.err + result.out, repr(result))

    def listing(self, folder=None):
        return sorted(os.listdir(folder or self.dir))
