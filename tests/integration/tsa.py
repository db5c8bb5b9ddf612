"""A local RFC 3161 timestamp authority for tests: `openssl ts -reply` behind a small HTTP server
on 127.0.0.1 (as osslsigncode's tests do), with its own test CA and fault modes chosen by path:

  /ok            a granted reply
  /http500       HTTP 500
  /garbage       200 with a body that is not DER
  /wrongtype     200 with text/html
  /trailing      a granted reply with bytes appended after the DER
  /huge          a reply of 256 MB (sent in chunks, as long as the client reads)
  /reject        a TimeStampResp with status rejection, failInfo badAlg and a text
  /wrongimprint  a token for a different imprint
  /wrongnonce    a token echoing a different nonce
  /slow          a reply after `slow_seconds`
  /flaky         HTTP 503 for the first `flaky_failures` requests, then granted
  /retryafter    HTTP 503 with Retry-After: 1 for the first request, then granted
  /counts        (GET) JSON request counts per path

start(tls=True) serves HTTPS instead, with a certificate for 127.0.0.1 and localhost issued by a
CA of its own (tls_ca_pem), which no system store trusts.
"""
import datetime
import http.server
import ipaddress
import json
import os
import ssl
import subprocess
import tempfile
import threading
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _der(tag, body):
    n = len(body)
    if n < 0x80:
        head = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, 'big')
        head = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + head + body


def rejection_reply():
    """TimeStampResp { PKIStatusInfo { rejection, text, failInfo badAlg } }, no token."""
    status = _der(0x02, b'\x02')
    text = _der(0x30, _der(0x0C, b'rejected by the test TSA'))
    fail_info = _der(0x03, b'\x07\x80')  # bit 0 (badAlg)
    return _der(0x30, _der(0x30, status + text + fail_info))


class Tsa:
    def __init__(self, folder, slow_seconds=3.0, flaky_failures=2):
        os.makedirs(folder, exist_ok=True)
        self.folder = folder
        self.slow_seconds = slow_seconds
        self.flaky_failures = flaky_failures
        self.counts = {}
        self.times = {}  # path -> time.monotonic() of each request, in order
        self.lock = threading.Lock()
        self._make_pki()
        self._write_config()

    def _make_pki(self):
        now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
        name = lambda cn: x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
        self.root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.root = (x509.CertificateBuilder().subject_name(name('Test TSA Root'))
                     .issuer_name(name('Test TSA Root')).public_key(self.root_key.public_key())
                     .serial_number(x509.random_serial_number()).not_valid_before(now)
                     .not_valid_after(now + datetime.timedelta(days=3650))
                     .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                     .sign(self.root_key, hashes.SHA256()))
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.cert = (x509.CertificateBuilder().subject_name(name('Test TSA'))
                     .issuer_name(self.root.subject).public_key(self.key.public_key())
                     .serial_number(x509.random_serial_number()).not_valid_before(now)
                     .not_valid_after(now + datetime.timedelta(days=3650))
                     .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                     .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                                    critical=True)
                     .sign(self.root_key, hashes.SHA256()))
        pem = serialization.Encoding.PEM
        self.root_pem = self._write('tsa-root.pem', self.root.public_bytes(pem))
        self.cert_pem = self._write('tsa.pem', self.cert.public_bytes(pem))
        self.key_pem = self._write('tsa.key', self.key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))

    def _write(self, name, data):
        path = os.path.join(self.folder, name)
        with open(path, 'wb') as f:
            f.write(data)
        return path

    def _write_config(self):
        self._write('serial', b'01\n')
        self.config = self._write('tsa.cnf', f"""
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {self.folder}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/tsa-root.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
""".encode())

    def reply_for(self, request):
        with tempfile.TemporaryDirectory() as tmp:
            q, r = os.path.join(tmp, 'q.tsq'), os.path.join(tmp, 'r.tsr')
            with open(q, 'wb') as f:
                f.write(request)
            with self.lock:  # openssl updates the serial file
                p = subprocess.run(['openssl', 'ts', '-reply', '-config', self.config, '-queryfile', q,
                                    '-out', r], capture_output=True)
            if p.returncode != 0:
                raise RuntimeError(p.stderr.decode())
            with open(r, 'rb') as f:
                return f.read()

    @staticmethod
    def tamper_imprint(request):
        # The SHA-256 imprint is the 32 bytes after "04 20" inside the MessageImprint.
        at = request.index(b'\x04\x20') + 2
        return request[:at] + bytes([request[at] ^ 0xFF]) + request[at + 1:]

    @staticmethod
    def tamper_nonce(request):
        at = request.rindex(b'\x02\x08') + 2
        return request[:at + 7] + bytes([request[at + 7] ^ 0x01]) + request[at + 8:]

    def count(self, path):
        with self.lock:
            self.counts[path] = self.counts.get(path, 0) + 1
            self.times.setdefault(path, []).append(time.monotonic())
            return self.counts[path]

    def _make_tls(self):
        """A TLS CA and a server certificate for 127.0.0.1 / localhost; returns an SSLContext."""
        now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
        name = lambda cn: x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
        ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        ca = (x509.CertificateBuilder().subject_name(name('Test TSA TLS CA'))
              .issuer_name(name('Test TSA TLS CA')).public_key(ca_key.public_key())
              .serial_number(x509.random_serial_number()).not_valid_before(now)
              .not_valid_after(now + datetime.timedelta(days=30))
              .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
              .sign(ca_key, hashes.SHA256()))
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        san = [x509.IPAddress(ipaddress.ip_address('127.0.0.1')), x509.DNSName('localhost')]
        cert = (x509.CertificateBuilder().subject_name(name('127.0.0.1'))
                .issuer_name(ca.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now)
                .not_valid_after(now + datetime.timedelta(days=30))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.SubjectAlternativeName(san), critical=False)
                .sign(ca_key, hashes.SHA256()))
        pem = serialization.Encoding.PEM
        self.tls_ca_pem = self._write('tls-ca.pem', ca.public_bytes(pem))
        server_pem = self._write('tls-server.pem', cert.public_bytes(pem) + key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(server_pem)
        return ctx

    def start(self, tls=False, host='127.0.0.1'):
        tsa = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send(self, status, body, ctype='application/timestamp-reply'):
                try:
                    self._send(status, body, ctype)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the /slow case)

            def _send(self, status, body, ctype):
                self.send_response(status)
                self.send_header('Content-Type', ctype)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path == '/counts':
                    with tsa.lock:
                        self.send(200, json.dumps(tsa.counts).encode(), 'application/json')
                else:
                    self.send(404, b'', 'text/plain')

            def do_POST(self):
                request = self.rfile.read(int(self.headers.get('Content-Length', 0)))
                path = self.path
                n = tsa.count(path)
                if self.headers.get('Content-Type') != 'application/timestamp-query':
                    return self.send(400, b'wrong content type', 'text/plain')
                if path == '/http500':
                    return self.send(500, b'oops', 'text/plain')
                if path == '/garbage':
                    return self.send(200, b'\x00not der at all')
                if path == '/trailing':
                    return self.send(200, tsa.reply_for(request) + b'<html>proxy</html>')
                if path == '/huge':
                    self.send_response(200)
                    self.send_header('Content-Type', 'application/timestamp-reply')
                    self.send_header('Content-Length', str(256 << 20))
                    self.end_headers()
                    chunk = b'\0' * (1 << 20)
                    try:
                        for _ in range(256):
                            self.wfile.write(chunk)
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the client stopped reading, as it should
                    return None
                if path == '/wrongtype':
                    return self.send(200, tsa.reply_for(request), 'text/html')
                if path == '/reject':
                    return self.send(200, rejection_reply())
                if path == '/wrongimprint':
                    return self.send(200, tsa.reply_for(Tsa.tamper_imprint(request)))
                if path == '/wrongnonce':
                    return self.send(200, tsa.reply_for(Tsa.tamper_nonce(request)))
                if path == '/slow':
                    time.sleep(tsa.slow_seconds)
                    return self.send(200, tsa.reply_for(request))
                if path.startswith('/flaky') and n <= tsa.flaky_failures:
                    return self.send(503, b'busy', 'text/plain')
                if path.startswith('/retryafter') and n == 1:
                    self.send_response(503)
                    self.send_header('Retry-After', '1')
                    self.send_header('Content-Type', 'text/plain')
                    self.send_header('Content-Length', '4')
                    self.end_headers()
                    self.wfile.write(b'busy')
                    return None
                return self.send(200, tsa.reply_for(request))

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # clients that refuse the TLS certificate are expected in tests

        self.server = Server(('127.0.0.1', 0), Handler)
        if tls:
            # The handshake happens in the handler thread, so a refusing client never blocks accept().
            self.server.socket = self._make_tls().wrap_socket(
                self.server.socket, server_side=True, do_handshake_on_connect=False)
        self.url = f'{"https" if tls else "http"}://{host}:{self.server.server_address[1]}'
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def refused_url():
    """A loopback URL where nothing listens."""
    import socket
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return f'http://127.0.0.1:{port}/'
