"""Starting trusted_signing_mock.py (or key_vault_mock.py) from a test, and talking to its admin endpoint."""
import json
import os
import shutil
import ssl
import subprocess
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


class MockService:
    """with MockService() as m: m.url, m.ca_file, m.root_cer, m.configure(...), m.stats()"""

    def __init__(self, script='trusted_signing_mock.py'):
        self.script = script
        self.dir = tempfile.mkdtemp(prefix='cipolicy-mock-')
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(['/usr/bin/python3', os.path.join(HERE, self.script),
                                      '--dir', self.dir])
        port_file = os.path.join(self.dir, 'port')
        deadline = time.time() + 60
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError('the mock service did not start')
            time.sleep(0.05)
        with open(port_file) as f:
            self.port = int(f.read())
        # Schannel (the Windows build under Wine) matches host names only, never IP addresses.
        host = 'localhost' if os.environ.get('CIPOLICY_TEST_WINE') == '1' else '127.0.0.1'
        self.url = f'https://{host}:{self.port}'
        self.ca_file = self.file('tls-ca.pem')
        self.root_cer = self.file('root.cer')
        self.root_pem = self.file('root.pem')
        self._ctx = ssl.create_default_context(cafile=self.ca_file)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)

    def file(self, name):
        return os.path.join(self.dir, name)

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else (b'' if method == 'POST' else None)
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(req, context=self._ctx, timeout=30) as r:
            return json.loads(r.read() or b'null')

    def reset(self):
        return self._call('POST', '/admin/reset')

    def configure(self, **config):
        return self._call('POST', '/admin/config', config)

    def revoke_tokens(self):
        """Every token issued so far is refused from now on (a role removed, a token revoked)."""
        return self._call('POST', '/admin/revoke')

    def stats(self):
        return self._call('GET', '/admin/stats')

    def requests(self, kind):
        return self.stats()['requests'].get(kind, 0)
