"""Safe with the developer's keys (issue 20, and issue 25 item 5): no output ever replaces an input,
a key, a device or a link; private keys are the owner's only and kept unless --force; a killed
run's temporary files are cleaned up; tokens and secrets go only to their own host over https;
PINs and passwords are never repeated; untrusted text is escaped on stdout too."""
import os
import socket
import stat
import subprocess
import sys
import threading
import time
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'mock'))

import trusted_signing_mock as mockdef  # noqa: E402
from pki import Pki  # noqa: E402
from support import EXE, WINE, CliTest, native_path, run, skip_under_wine  # noqa: E402
from ts_support import TrustedSigningTest  # noqa: E402

USAGE = 2


class Listener:
    """A plain TCP server on 127.0.0.1 that records whatever reaches it and answers nothing: where
    a token or a secret must never arrive."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.received = b''
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.settimeout(2)
            try:
                while True:
                    data = conn.recv(65536)
                    if not data:
                        break
                    self.received += data
            except OSError:
                pass
            conn.close()

    def close(self):
        self.sock.close()


class LocalSafetyTest(CliTest):
    def setUp(self):
        super().setUp()
        self.pki = Pki(self.path('pki'), intermediate=True)
        self.policy = self.path('policy.bin')
        self.assertExit(run('new-policy', '--update-signer', self.pki.root_der, '-o', self.policy), 0)

    def key_args(self):
        return ['--cert', self.pki.leaf_pem, '--key', self.pki.key_pem, '--chain', self.pki.chain_pem]

    def snapshot(self):
        return {p: self.read(p) for p in (self.policy, self.pki.key_pem, self.pki.leaf_pem,
                                          self.pki.chain_pem, self.pki.root_pem)}

    def assertUnchanged(self, before):
        for path, data in before.items():
            self.assertEqual(self.read(path), data, f'{path} was replaced')

    # Item 1: the depfile never lands on the key, the policy or the signed output.
    def test_depfile_never_replaces_an_input_or_the_output(self):
        before = self.snapshot()
        out = self.path('signed.cip')
        for depfile in (self.pki.key_pem, self.policy, out):
            r = run('sign', self.policy, *self.key_args(), '-o', out, '--depfile', depfile)
            self.assertExit(r, USAGE, '--depfile')
            self.assertUnchanged(before)
        # And a good one is still written.
        self.assertExit(run('sign', self.policy, *self.key_args(), '-o', out, '--depfile',
                            self.path('signed.d')), 0)
        self.assertIn(b'signed.cip', self.read(self.path('signed.d')))

    # Item 2: -o onto any input, by any spelling, from the command line or cipolicy.yaml.
    def test_sign_output_never_replaces_any_input(self):
        before = self.snapshot()
        config = self.write(self.path('cipolicy.yaml'),
                            f'local:\n  cert: {self.pki.leaf_pem}\n  key: {self.pki.key_pem}\n'
                            f'  chain: {self.pki.chain_pem}\n'.encode())
        before[config] = self.read(config)
        os.link(self.pki.key_pem, self.path('key-hardlink.pem'))
        relative = os.path.relpath(self.pki.key_pem, self.dir)
        cases = [
            ('sign', self.policy, *self.key_args(), '-o', self.pki.key_pem),
            ('sign', self.policy, *self.key_args(), '-o', self.pki.leaf_pem),
            ('sign', self.policy, *self.key_args(), '-o', self.pki.chain_pem),
            ('sign', self.policy, *self.key_args(), '--root', self.pki.root_pem, '-o', self.pki.root_pem),
            ('sign', self.policy, *self.key_args(), '-o', self.path('key-hardlink.pem')),
            ('sign', self.policy, *self.key_args(), '-o', './' + relative),
            ('sign', self.policy, '--config', config, '-o', self.pki.key_pem),
            ('sign', self.policy, '--config', config, '-o', config),
            ('sign', self.policy, *self.key_args(), '--timestamp-root', self.pki.root_pem,
             '--timestamp-url', 'https://127.0.0.1:9/', '-o', self.pki.root_pem),
            ('timestamp', self.policy, '--timestamp-url', 'https://127.0.0.1:9/',
             '--timestamp-root', self.pki.root_pem, '-o', self.pki.root_pem),
        ]
        for args in cases:
            r = run(*args, cwd=self.dir)
            self.assertExit(r, USAGE, 'an input of this run')
            self.assertUnchanged(before)
        # Item 16: no internal setting key in the message for -o onto the policy.
        r = run('sign', self.policy, *self.key_args(), '-o', self.policy)
        self.assertExit(r, USAGE)
        self.assertNotIn('sign.output', r.err)

    def test_policy_edits_never_replace_the_certificate(self):
        xml = self.path('policy.xml')
        self.assertExit(run('decompile', self.policy, '-o', xml), 0)
        cert = self.read(self.pki.root_der)
        r = run('add-signer', xml, '--cert', self.pki.root_der, '--update', '-o', self.pki.root_der)
        self.assertExit(r, USAGE, 'an input of this run')
        self.assertEqual(self.read(self.pki.root_der), cert)
        # In place is still the default.
        self.assertExit(run('set-option', xml, '--add', '3'), 0)

    # Item 3: devices, FIFOs and links are never renamed over; standard output is a stream.
    @skip_under_wine('POSIX device nodes, FIFOs and symbolic links')
    def test_devices_fifos_and_links_are_refused(self):
        fifo = self.path('fifo')
        os.mkfifo(fifo)
        target = self.write(self.path('target.bin'), b'keep')
        link = self.path('link.cip')
        os.symlink(target, link)
        outputs = [fifo, link]
        if os.geteuid() == 0:
            device = self.path('null')
            os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
            outputs.append(device)
        for output in outputs:
            kind = os.lstat(output).st_mode
            for args in (('sign', self.policy, *self.key_args(), '-o', output),
                         ('compile', self.xml(), '-o', output)):
                r = run(*args)
                self.assertExit(r, USAGE, 'regular file')
                self.assertEqual(os.lstat(output).st_mode, kind, f'{output} was replaced')
        self.assertEqual(self.read(target), b'keep')
        self.assertEqual(os.listdir(self.dir).count('fifo'), 1)

    @skip_under_wine('/proc/self/fd/1')
    def test_a_link_to_standard_output_is_written_as_a_stream(self):
        link = self.path('stdout-link')
        os.symlink('/proc/self/fd/1', link)
        r = run('decompile', self.policy, '-o', link)
        self.assertExit(r, 0)
        self.assertTrue(r.out.startswith('<?xml'), r)
        self.assertTrue(os.path.islink(link), 'the link was replaced by a file')
        r = run('compile', self.xml(), '-o', link)
        self.assertExit(r, USAGE, 'binary')
        self.assertTrue(os.path.islink(link))

    def xml(self):
        xml = self.path('for-compile.xml')
        if not os.path.exists(xml):
            self.assertExit(run('decompile', self.policy, '-o', xml), 0)
        return xml

    # Item 5: a killed run's temporary file is removed by the next run of the same output.
    def test_abandoned_temporary_files_are_removed_by_the_next_run(self):
        out = self.path('signed.cip')
        stale = self.write(out + '.0a1b2c.tmp', b'half a policy')
        other = self.write(out + '.notour.tmp', b'not ours')
        neighbour = self.write(self.path('other.cip.0a1b2c.tmp'), b'another output')
        self.assertExit(run('sign', self.policy, *self.key_args(), '-o', out), 0)
        self.assertFalse(os.path.exists(stale), 'the stale temporary file is still there')
        self.assertTrue(os.path.exists(other))
        self.assertTrue(os.path.exists(neighbour))

    @skip_under_wine('kill -9 of a Windows process under Wine')
    def test_killed_runs_leave_nothing_after_the_next_run(self):
        out = self.path('signed.cip')
        for _ in range(8):
            p = subprocess.Popen([EXE, 'sign', self.policy, *self.key_args(), '-o', out],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.05)
            p.kill()
            p.wait()
        self.assertExit(run('sign', self.policy, *self.key_args(), '-o', out), 0)
        self.assertEqual([n for n in os.listdir(self.dir) if n.endswith('.tmp')], [])

    # Item 4 and issue 25 item 5: the key is the owner's, an existing PKI is kept unless --force.
    def test_dev_pki_key_is_private_and_kept_unless_force(self):
        pki = self.path('dev')
        self.assertExit(run('dev-pki', '--out-dir', pki), 0)
        key = os.path.join(pki, 'signer.key')
        if not WINE:
            self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600)
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(pki, 'root.cer')).st_mode) & 0o044,
                             0o044 & ~os.umask(os.umask(0)))
        before = {n: self.read(os.path.join(pki, n)) for n in os.listdir(pki)}
        r = run('dev-pki', '--out-dir', pki)
        self.assertExit(r, USAGE, '--force')
        self.assertIn('signer.key', r.err)
        self.assertEqual({n: self.read(os.path.join(pki, n)) for n in os.listdir(pki)}, before)
        self.assertExit(run('dev-pki', '--out-dir', pki, '--force'), 0)
        self.assertNotEqual(self.read(key), before['signer.key'])
        if not WINE:
            self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600)

    # Item 10: a PIN in the URI is refused however the attribute is spelled, and never repeated.
    def test_pin_in_pkcs11_uri_is_never_repeated(self):
        for attribute in ('pin-value', 'Pin-Value', 'PIN-VALUE', '%70in-value', 'pin%2Dvalue',
                          'PIN-SOURCE'):
            uri = f'pkcs11:token=t;object=k?{attribute}=S3cretPin42'
            r = run('sign', self.policy, '--pkcs11-module', '/nonexistent/module.so',
                    '--pkcs11-uri', uri, '--pin-env', 'CIPOLICY_TEST_PIN', '-o', self.path('s.cip'),
                    '-v', env={'CIPOLICY_TEST_PIN': '1234'})
            self.assertNotEqual(r.code, 0, r)
            self.assertNotIn('S3cretPin42', r.out + r.err)
            self.assertIn('carries a PIN', r.err)

    # Item 11: the password of a --timestamp-url is never printed.
    def test_timestamp_url_password_is_never_printed(self):
        url = 'https://someone:hunter2pass@127.0.0.1:9/tsa'
        r = run('sign', self.policy, *self.key_args(), '-o', self.path('s.cip'), '-v',
                '--timestamp-url', url, '--timestamp-retries', '0')
        self.assertNotEqual(r.code, 0, r)
        self.assertIn('127.0.0.1:9', r.err)
        self.assertNotIn('hunter2pass', r.out + r.err)

    # Item 12: a hostile CN is escaped on stdout, and add-signer keeps the XML well-formed.
    def test_hostile_subject_is_escaped_on_stdout_and_in_xml(self):
        evil = Pki(self.path('evil'), intermediate=False, prefix='Evil\n\x1b[31mcipolicy: error: forged\x07')
        xml = self.path('policy.xml')
        self.assertExit(run('decompile', self.policy, '-o', xml), 0)
        r = run('add-signer', xml, '--cert', evil.root_der, '--update')
        self.assertExit(r, 0)
        for stream in (r.out, r.err):
            self.assertNotIn('\x1b', stream)
            self.assertNotIn('\x07', stream)
        self.assertEqual(len(r.out.splitlines()), 1, r.out)
        text = self.read(xml)
        ET.fromstring(text)  # well-formed: no &#27; or &#7;
        self.assertNotIn(b'&#27;', text)
        self.assertNotIn(b'&#7;', text)
        # verify prints the signer's subject on stdout.
        policy = self.path('evil-policy.bin')
        self.assertExit(run('new-policy', '--update-signer', evil.root_der, '-o', policy), 0)
        signed = self.path('evil.cip')
        self.assertExit(run('sign', policy, '--cert', evil.leaf_pem, '--key', evil.key_pem,
                            '--chain', evil.chain_pem, '-o', signed), 0)
        r = run('verify', signed, '--root', evil.root_pem)
        self.assertNotIn('\x1b', r.out + r.err)
        self.assertFalse(any(l.startswith('\x1b') or l.startswith('[31m') for l in r.out.splitlines()))

    # Item 13: wildcards match in linear time.
    def test_wildcards_do_not_backtrack(self):
        folder = self.path('many')
        os.makedirs(folder)
        self.write(os.path.join(folder, 'a' * 200), b'')
        start = time.monotonic()
        proc = subprocess.run([EXE, 'verify', native_path(os.path.join(folder, '*a*a*a*a*a*a*a*a*b'))],
                              capture_output=True, timeout=60)
        self.assertLess(time.monotonic() - start, 60)
        self.assertEqual(proc.returncode, 3, proc)
        self.assertIn(b'no file matches', proc.stderr)


class TokenSafetyTest(TrustedSigningTest):
    def setUp(self):
        super().setUp()
        self.listener = Listener()
        self.addCleanup(self.listener.close)

    # Item 8: Operation-Location elsewhere (plain http, another host) never gets the token.
    def test_operation_location_elsewhere_gets_no_token(self):
        other_host = self.mock.url.replace('127.0.0.1', 'localhost') if '127.0.0.1' in self.mock.url \
            else self.mock.url.replace('localhost', '127.0.0.1')
        path = f'/codesigningaccounts/{mockdef.ACCOUNT}/certificateprofiles/{mockdef.PROFILE}/sign/x'
        for location in (f'http://127.0.0.1:{self.listener.port}{path}?api-version=2024-06-15',
                         f'{other_host}{path}?api-version=2024-06-15'):
            self.mock.reset()
            self.mock.configure(start_headers={'Operation-Location': location})
            r, _ = self.sign(api_version='2024-06-15')
            self.assertNotEqual(r.code, 0, r)
            self.assertIn(location.split('?')[0], r.err)
            self.assertIn('refused', r.err)
            self.assertEqual(self.mock.requests('sign_poll'), 0)
        self.assertEqual(self.listener.connections, 0, self.listener.received)

    # Item 15: an EKU nextLink that points at itself is detected, not followed 100 times.
    def test_eku_next_link_loop_is_detected(self):
        url = (f'{self.mock.url}/codesigningaccounts/{mockdef.ACCOUNT}/certificateprofiles/'
               f'{mockdef.PROFILE}/sign/eku?api-version=2024-06-15')
        self.mock.configure(eku_next_link=url)
        r = self.cli('eku', *self.service_args('2024-06-15'))
        self.assertNotEqual(r.code, 0, r)
        self.assertIn('loops', r.err)
        self.assertLessEqual(self.mock.requests('eku'), 2)
        self.assertLessEqual(r.out.count(mockdef.CUSTOMER_EKU), 1)

    # Item 9: an http authority never gets the client secret.
    def test_http_authority_gets_no_secret(self):
        env = self.env(AZURE_AUTHORITY_HOST=f'http://127.0.0.1:{self.listener.port}/')
        r, _ = self.sign(env=env)
        self.assertNotEqual(r.code, 0, r)
        self.assertIn('AZURE_AUTHORITY_HOST', r.err)
        self.assertEqual(self.listener.connections, 0, self.listener.received)
        self.assertEqual(self.mock.requests('token'), 0)

    # Item 2: root-cert, cert-chain and new-policy never write onto metadata, token or CA files.
    def test_service_commands_never_replace_their_inputs(self):
        metadata = self.write(self.path('metadata.json'),
                              ('{"Endpoint": "%s", "CodeSigningAccountName": "%s", '
                               '"CertificateProfileName": "%s"}' % (self.mock.url, mockdef.ACCOUNT,
                                                                     mockdef.PROFILE)).encode())
        token = self.write(self.path('token.txt'), b'static-token-abc')
        ca = self.read(self.mock.ca_file)
        meta = self.read(metadata)
        base = ['--metadata', metadata, '--ca-file', self.mock.ca_file]
        for args in (('root-cert', *base, '-o', metadata),
                     ('cert-chain', *base, '-o', self.mock.ca_file),
                     ('new-policy', *base, '-o', metadata),
                     ('root-cert', *base, '--access-token-file', token, '-o', token)):
            r = self.cli(*args)
            self.assertExit(r, USAGE, 'an input of this run')
        self.assertEqual(self.read(metadata), meta)
        self.assertEqual(self.read(self.mock.ca_file), ca)
        self.assertEqual(self.read(token), b'static-token-abc')
        self.assertEqual(self.mock.requests('rootcert'), 0)

    # Item 16: timestamp's TLS hint names --ca-file, and timestamp takes it.
    def test_timestamp_takes_the_ca_file_its_hint_names(self):
        signed = self.path('signed.cip')
        r, _ = self.sign(output=signed)
        self.assertExit(r, 0)
        url = self.mock.url + '/tsa'
        r = self.cli('timestamp', signed, '--timestamp-url', url, '--timestamp-retries', '0',
                     '-o', self.path('t.cip'))
        self.assertNotEqual(r.code, 0, r)
        if not WINE:  # Wine's TLS does not refuse the mock's CA, so there is no hint to give
            self.assertIn('--ca-file', r.err)
        r = self.cli('timestamp', signed, '--timestamp-url', url, '--timestamp-retries', '0',
                     '--ca-file', self.mock.ca_file, '-o', self.path('t.cip'))
        self.assertNotIn('--ca-file', r.err)
        self.assertNotIn('unrecognised', r.err)
        self.assertNotIn('unknown option', r.err)


if __name__ == '__main__':
    unittest.main()
