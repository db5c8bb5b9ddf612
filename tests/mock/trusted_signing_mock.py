#!/usr/bin/python3
"""A faithful local imitation of the Trusted Signing (Artifact Signing) service and Microsoft Entra
ID, for tests: spec/trusted-signing.md section 5. Standard library + python3-cryptography only.

Run:  trusted_signing_mock.py --dir DIR
It makes a TLS test CA and a signing PKI (root -> intermediate -> leaf) in DIR, listens with HTTPS on
127.0.0.1 at a random port, and writes DIR/port last (its appearance means "ready"). Files:
  tls-ca.pem   the CA that issued the server's TLS certificate (give it to the client)
  root.cer/.pem, intermediate.pem, leaf.pem   the signing chain the service returns
  client.pem   a client certificate + key registered for the client-certificate credential

Admin endpoint (no auth, loopback only):
  POST /admin/config  JSON merged into the configuration (see DEFAULTS)
  POST /admin/reset   counters cleared, configuration back to DEFAULTS
  POST /admin/revoke  every token issued so far is refused from now on (401), as after a role
                      assignment is removed or a token revoked; tokens issued later work
  GET  /admin/stats   {"requests": {kind: n}, "connections": n, "retry_gaps": {kind: [s...]}, ...}
Faults: config "faults" is a list of {"kind": KIND or "*", "action": "status"|"drop"|"slow"|
"malformed", "status": n, "body": text or JSON, "headers": {...}, "seconds": s, "times": n}; each
matching request consumes one use. Kinds: token, imds, appservice, sign_start, sign_poll, eku,
rootcert, certchain.
"""
import argparse
import base64
import datetime
import email.utils
import http.server
import json
import os
import secrets
import socket
import socketserver
import ssl
import threading
import time
import urllib.parse
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CUSTOMER_EKU = '1.3.6.1.4.1.311.97.990309390.766961637.194916062.941502583'
AUDIENCE = 'https://codesigning.azure.net'
ACCOUNT, PROFILE, TENANT = 'mock-account', 'mock-profile', 'mock-tenant'
CLIENT_ID, CLIENT_SECRET = 'mock-client-id', 'mock-client-secret-value'
IDENTITY_HEADER = 'mock-identity-header-value'
FEDERATED_TOKEN = 'mock-federated-assertion-value'

DEFAULTS = {
    'latency_ms': 0,          # added to every request (not admin)
    'polls_in_progress': 1,   # polls answered InProgress/Running before the result
    'bad_signature': False,   # the returned signature does not verify
    'mismatched_chain': False,  # the returned chain's leaf is another key
    'faults': [],
    'start_headers': {},      # extra headers on the 202 that starts an operation
    'poll_headers': [],       # extra headers on the in-progress polls: one dict per poll, the
                              # last repeated (e.g. a Retry-After on the first poll only)
    'access_tokens': [],      # extra bearer tokens accepted as they are
    'expires_in': 3599,
    'eku_next_link': None,    # the nextLink of every EKU page (e.g. the page itself: a loop)
}

SIGN_ALGS = {'RS256': (hashes.SHA256, 32), 'RS384': (hashes.SHA384, 48),
             'RS512': (hashes.SHA512, 64)}


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _issue(cn, key, issuer=None, issuer_key=None, ca=False, ekus=None, san=None, days=3):
    now = datetime.datetime.now(datetime.timezone.utc)
    b = (x509.CertificateBuilder().subject_name(_name(cn))
         .issuer_name(issuer.subject if issuer else _name(cn))
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(now - datetime.timedelta(days=1))
         .not_valid_after(now + datetime.timedelta(days=days))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ekus:
        b = b.add_extension(x509.ExtendedKeyUsage([x509.ObjectIdentifier(o) for o in ekus]), False)
    if san:
        b = b.add_extension(x509.SubjectAlternativeName(san), False)
    return b.sign(issuer_key or key, hashes.SHA256())


def _pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


class Pki:
    def __init__(self, folder):
        self.tls_ca_key = rsa.generate_private_key(65537, 2048)
        self.tls_ca = _issue('Mock TLS CA', self.tls_ca_key, ca=True, days=30)
        self.tls_key = rsa.generate_private_key(65537, 2048)
        import ipaddress
        self.tls = _issue('127.0.0.1', self.tls_key, self.tls_ca, self.tls_ca_key,
                          san=[x509.IPAddress(ipaddress.ip_address('127.0.0.1')),
                               x509.DNSName('localhost')], days=30)
        self.root_key = rsa.generate_private_key(65537, 2048)
        self.root = _issue('Mock Identity Verification Root', self.root_key, ca=True, days=3650)
        self.int_key = rsa.generate_private_key(65537, 2048)
        self.intermediate = _issue('Mock ID Verified CS EOC CA 01', self.int_key, self.root,
                                   self.root_key, ca=True, days=365)
        self.leaf_key = rsa.generate_private_key(65537, 3072)
        ekus = [ExtendedKeyUsageOID.CODE_SIGNING.dotted_string, '1.3.6.1.4.1.311.97.1.0',
                CUSTOMER_EKU]
        self.leaf = _issue('Mock Signer', self.leaf_key, self.intermediate, self.int_key,
                           ekus=ekus, days=3)
        self.other_key = rsa.generate_private_key(65537, 3072)
        self.other_leaf = _issue('Mock Signer', self.other_key, self.intermediate, self.int_key,
                                 ekus=ekus, days=3)
        self.client_key = rsa.generate_private_key(65537, 2048)
        self.client = _issue('mock client', self.client_key, days=30)
        w = lambda n, d: open(os.path.join(folder, n), 'wb').write(d)
        w('tls-ca.pem', _pem(self.tls_ca))
        w('tls.pem', _pem(self.tls) + _key_pem(self.tls_key))
        w('root.pem', _pem(self.root))
        w('root.cer', self.root.public_bytes(serialization.Encoding.DER))
        w('intermediate.pem', _pem(self.intermediate))
        w('leaf.pem', _pem(self.leaf))
        w('client.pem', _pem(self.client) + _key_pem(self.client_key))

    def chain_p7(self, leaf, order):
        certs = [leaf, self.intermediate, self.root]
        if order == 'root-first':
            certs.reverse()
        return pkcs7.serialize_certificates(certs, serialization.Encoding.DER)


def _b64url_decode(s):
    return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))


class State:
    def __init__(self, pki):
        self.pki = pki
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.config = json.loads(json.dumps(DEFAULTS))
            self.requests = {}
            self.connections = 0
            self.issued = set()
            self.revoked = 0
            self.operations = {}
            self.last_fault_time = {}
            self.retry_gaps = {}
            self.log = []
            self.headers_seen = []

    def count(self, kind):
        with self.lock:
            self.requests[kind] = self.requests.get(kind, 0) + 1
            now = time.monotonic()
            if kind in self.last_fault_time:
                self.retry_gaps.setdefault(kind, []).append(now - self.last_fault_time.pop(kind))

    def take_fault(self, kind):
        with self.lock:
            for f in self.config['faults']:
                if f.get('kind') in (kind, '*') and f.get('times', 1) > 0:
                    f['times'] = f.get('times', 1) - 1
                    return dict(f)
        return None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'MockTrustedSigning/1.0'
    AUDIENCE = AUDIENCE  # what its Entra ID issues tokens for (the Key Vault mock changes it)

    def log_message(self, fmt, *args):
        pass

    @property
    def state(self):
        return self.server.state

    # ---- plumbing -------------------------------------------------------------------------
    def reply(self, status, body=b'', ctype='application/json', headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        if body or ctype == 'application/json':
            self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(n) if n else b''

    def do_GET(self):
        self.dispatch('GET')

    def do_POST(self):
        self.dispatch('POST')

    def dispatch(self, method):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        path = url.path
        if path.startswith('/admin/'):
            return self.admin(method, path)
        kind, handler = self.route(method, path)
        if not kind:
            self.body()
            return self.reply(404, {'errorDetail': {'code': 'NotFound', 'message': 'no route ' + path}})
        self.state.count(kind)
        with self.state.lock:
            self.state.headers_seen.append({'kind': kind, 'path': self.path, 'time': time.monotonic(),
                                            'headers': {k.lower(): v for k, v in self.headers.items()}})
        latency = self.state.config.get('latency_ms', 0)
        if latency:
            time.sleep(latency / 1000.0)
        fault = self.state.take_fault(kind)
        if fault:
            body = self.body()
            action = fault.get('action', 'status')
            with self.state.lock:
                self.state.last_fault_time[kind] = time.monotonic()
            if action == 'drop':
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if action == 'slow':
                time.sleep(fault.get('seconds', 5))
                with self.state.lock:
                    self.state.last_fault_time.pop(kind, None)
                return handler(query, body)
            if action == 'malformed':
                return self.reply(fault.get('status', 200), '{"status": "Succ', headers=fault.get('headers'))
            return self.reply(fault.get('status', 500), fault.get('body', b''),
                              headers=fault.get('headers'))
        return handler(query, self.body())

    def route(self, method, path):
        parts = [urllib.parse.unquote(p) for p in path.split('/')]
        if method == 'POST' and len(parts) == 5 and parts[2:] == ['oauth2', 'v2.0', 'token']:
            return 'token', lambda q, b: self.token(parts[1], b)
        if method == 'GET' and path == '/metadata/identity/oauth2/token':
            return 'imds', self.imds
        if method == 'GET' and path == '/appservice/identity':
            return 'appservice', self.appservice
        # /codesigningaccounts/{a}/certificateprofiles/{p}[:sign | /sign[/x]]
        if len(parts) >= 5 and parts[1] == 'codesigningaccounts' and parts[3] == 'certificateprofiles':
            account, profile, rest = parts[2], parts[4], parts[5:]
            if ':' in profile:
                profile, op = profile.split(':', 1)
                rest = [':' + op] + rest
            def guard(fn):
                return lambda q, b: self.service(account, profile, q, fn, b)
            if method == 'POST' and rest == [':sign']:
                return 'sign_start', guard(lambda q, b: self.sign_start(q, b, True))
            if method == 'POST' and rest == ['sign']:
                return 'sign_start', guard(lambda q, b: self.sign_start(q, b, False))
            if method == 'GET' and rest == ['sign', 'eku']:
                return 'eku', guard(self.eku)
            if method == 'GET' and rest == ['sign', 'rootcert']:
                return 'rootcert', guard(self.rootcert)
            if method == 'GET' and rest == ['sign', 'certchain']:
                return 'certchain', guard(self.certchain)
            if method == 'GET' and len(rest) == 2 and rest[0] == 'sign':
                return 'sign_poll', guard(lambda q, b: self.sign_poll(rest[1], q))
        return None, None

    # ---- admin ----------------------------------------------------------------------------
    def admin(self, method, path):
        body = self.body()
        st = self.state
        if method == 'POST' and path == '/admin/reset':
            st.reset()
            return self.reply(200, {})
        if method == 'POST' and path == '/admin/config':
            with st.lock:
                st.config.update(json.loads(body or b'{}'))
            return self.reply(200, st.config)
        if method == 'POST' and path == '/admin/revoke':
            with st.lock:
                st.revoked += len(st.issued)
                st.issued = set()
            return self.reply(200, {})
        if method == 'GET' and path == '/admin/stats':
            with st.lock:
                return self.reply(200, {'requests': st.requests, 'connections': st.connections,
                                        'retry_gaps': st.retry_gaps, 'issued_tokens': len(st.issued),
                                        'revoked_tokens': st.revoked,
                                        'headers': st.headers_seen, 'log': st.log})
        return self.reply(404, {})

    # ---- Entra ID -------------------------------------------------------------------------
    def new_token(self):
        token = 'mock-access-token-' + secrets.token_hex(16)
        with self.state.lock:
            self.state.issued.add(token)
        return token

    def token(self, tenant, body):
        form = dict(urllib.parse.parse_qsl(body.decode()))
        def bad(code, desc):
            return self.reply(400 if code != 'invalid_client' else 401,
                              {'error': code, 'error_description': desc})
        if tenant != TENANT:
            return bad('invalid_tenant', f"AADSTS90002: Tenant '{tenant}' not found.")
        if form.get('grant_type') != 'client_credentials':
            return bad('unsupported_grant_type', 'grant_type must be client_credentials')
        if form.get('scope') != self.AUDIENCE + '/.default':
            return bad('invalid_scope', 'AADSTS70011: scope must be ' + self.AUDIENCE + '/.default')
        if form.get('client_id') != CLIENT_ID:
            return bad('unauthorized_client', 'AADSTS700016: unknown client_id')
        if 'client_secret' in form:
            if form['client_secret'] != CLIENT_SECRET:
                return bad('invalid_client', 'AADSTS7000215: Invalid client secret provided.')
            kind = 'secret'
        elif form.get('client_assertion_type') == 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer':
            assertion = form.get('client_assertion', '')
            if assertion == FEDERATED_TOKEN:
                kind = 'federated'
            elif not self.valid_client_jwt(assertion, tenant):
                return bad('invalid_client', 'AADSTS700027: client assertion failed signature validation.')
            else:
                kind = 'certificate'
        else:
            return bad('invalid_request', 'no client credential')
        with self.state.lock:
            self.state.log.append('token:' + kind)
        return self.reply(200, {'token_type': 'Bearer', 'expires_in': self.state.config['expires_in'],
                                'ext_expires_in': 3599, 'access_token': self.new_token()})

    def valid_client_jwt(self, jwt, tenant):
        try:
            h, p, s = jwt.split('.')
            header, payload = json.loads(_b64url_decode(h)), json.loads(_b64url_decode(p))
            cert = self.state.pki.client
            if header.get('alg') != 'RS256':
                return False
            if _b64url_decode(header.get('x5t', '')) != cert.fingerprint(hashes.SHA1()):
                return False
            cert.public_key().verify(_b64url_decode(s), (h + '.' + p).encode(),
                                     padding.PKCS1v15(), hashes.SHA256())
            now = time.time()
            return (payload.get('iss') == CLIENT_ID and payload.get('sub') == CLIENT_ID
                    and payload.get('aud', '').endswith(f'/{tenant}/oauth2/v2.0/token')
                    and payload.get('exp', 0) > now and payload.get('jti'))
        except Exception:
            return False

    def managed_token(self, q, as_string_expiry):
        if q.get('resource') != self.AUDIENCE:
            return self.reply(400, {'error': 'invalid_resource',
                                    'error_description': 'resource must be ' + self.AUDIENCE})
        with self.state.lock:
            self.state.log.append('managed:' + q.get('client_id', 'system'))
        expires_on = int(time.time()) + self.state.config['expires_in']
        return self.reply(200, {'access_token': self.new_token(), 'token_type': 'Bearer',
                                'resource': self.AUDIENCE, 'expires_in': str(self.state.config['expires_in']),
                                'expires_on': str(expires_on)})

    def imds(self, q, body):
        if self.headers.get('Metadata') != 'true':
            return self.reply(400, {'error': 'invalid_request', 'error_description': 'Required metadata header not specified'})
        if q.get('api-version') != '2018-02-01':
            return self.reply(400, {'error': 'invalid_request', 'error_description': 'bad api-version'})
        return self.managed_token(q, False)

    def appservice(self, q, body):
        if self.headers.get('X-IDENTITY-HEADER') != IDENTITY_HEADER:
            return self.reply(401, {'error': 'unauthorized'})
        if q.get('api-version') != '2019-08-01':
            return self.reply(400, {'error': 'bad api-version'})
        return self.managed_token(q, True)

    # ---- the service ----------------------------------------------------------------------
    def service(self, account, profile, q, fn, body):
        auth = self.headers.get('Authorization', '')
        token = auth[7:] if auth.startswith('Bearer ') else None
        with self.state.lock:
            ok = token and (token in self.state.issued or token in self.state.config['access_tokens'])
        if not ok:
            return self.reply(401, b'', headers={'WWW-Authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common"'})
        api = q.get('api-version')
        if api not in ('2022-06-15-preview', '2023-06-15-preview', '2024-06-15'):
            return self.reply(400, {'error': {'code': 'UnsupportedApiVersion', 'message': f'api-version {api}'}})
        if account != ACCOUNT or profile != PROFILE:
            return self.reply(404, {'errorDetail': {'code': 'NotFound', 'target': f'{account}/{profile}',
                                                    'message': 'Account or profile not found'}})
        return fn(q, body)

    def sign_start(self, q, body, new_api):
        api = q['api-version']
        if new_api == (api == '2022-06-15-preview'):
            return self.reply(404, {'error': {'code': 'NotFound', 'message': 'path does not exist for this api-version'}})
        try:
            req = json.loads(body)
            alg = req['signatureAlgorithm']
            digest = base64.b64decode(req['digest'], validate=True)
        except Exception:
            return self.reply(400, {'errorDetail': {'code': 'BadRequest', 'message': 'Invalid request body'}})
        if alg not in SIGN_ALGS or len(digest) != SIGN_ALGS[alg][1]:
            return self.reply(400, {'errorDetail': {'code': 'BadRequest', 'message': f'digest length does not match {alg}'}})
        op = str(uuid.uuid4())
        with self.state.lock:
            self.state.operations[op] = {'alg': alg, 'digest': digest, 'polls': 0, 'api': api,
                                         'correlation': self.headers.get('x-correlation-id')}
        if new_api:
            loc = f'{self.path.split(":sign")[0]}/sign/{op}?api-version={api}'
            return self.reply(202, {'id': op, 'status': 'NotStarted'},
                              headers={'Operation-Location': loc, **self.state.config['start_headers']})
        return self.reply(202, {'operationId': op, 'status': 'InProgress', 'signature': None,
                                'signingCertificate': None}, headers=self.state.config['start_headers'])

    def sign_poll(self, op_id, q):
        with self.state.lock:
            op = self.state.operations.get(op_id)
            if op:
                op['polls'] += 1
        if not op:
            return self.reply(404, {'errorDetail': {'code': 'NotFound', 'message': 'operation not found'}})
        new_api = op['api'] != '2022-06-15-preview'
        cfg = self.state.config
        if op['polls'] <= cfg['polls_in_progress']:
            extra = cfg['poll_headers'][min(op['polls'], len(cfg['poll_headers'])) - 1] if cfg['poll_headers'] else {}
            if new_api:
                return self.reply(200, {'id': op_id, 'status': 'Running' if op['polls'] % 2 else 'In Progress'},
                                  headers=extra)
            return self.reply(200, {'operationId': op_id, 'status': 'InProgress', 'signature': None,
                                    'signingCertificate': None}, headers=extra)
        final = cfg.get('final_status', 'Succeeded')
        if final != 'Succeeded':
            if new_api:
                return self.reply(200, {'id': op_id, 'status': final,
                                        'error': {'code': 'SigningFailed', 'message': 'the operation ' + final}})
            return self.reply(200, {'operationId': op_id, 'status': final, 'signature': None,
                                    'signingCertificate': None})
        pki = self.state.pki
        hash_cls = SIGN_ALGS[op['alg']][0]
        from cryptography.hazmat.primitives.asymmetric import utils
        sig = pki.leaf_key.sign(op['digest'], padding.PKCS1v15(), utils.Prehashed(hash_cls()))
        if cfg['bad_signature']:
            sig = bytes([sig[0] ^ 1]) + sig[1:]
        leaf = pki.other_leaf if cfg['mismatched_chain'] else pki.leaf
        p7 = pki.chain_p7(leaf, 'leaf-first')
        mime = base64.encodebytes(p7).decode().replace('\n', '')
        mime = '\r\n'.join(mime[i:i + 64] for i in range(0, len(mime), 64))
        cert_field = base64.b64encode(mime.encode()).decode()
        result = {'signature': base64.b64encode(sig).decode(), 'signingCertificate': cert_field}
        if new_api:
            return self.reply(200, {'id': op_id, 'status': 'Succeeded', 'result': result})
        return self.reply(200, {'operationId': op_id, 'status': 'Succeeded', **result})

    def eku(self, q, body):
        if q['api-version'] == '2022-06-15-preview':
            return self.reply(200, [CUSTOMER_EKU])
        if self.state.config.get('eku_next_link'):
            return self.reply(200, {'value': [{'eku': CUSTOMER_EKU}],
                                    'nextLink': self.state.config['eku_next_link']})
        if q.get('page') == '2':
            return self.reply(200, {'value': [{'eku': '1.3.6.1.4.1.311.97.1.0'}], 'nextLink': None})
        nxt = self.path.split('?')[0] + '?api-version=' + q['api-version'] + '&page=2'
        return self.reply(200, {'value': [{'eku': CUSTOMER_EKU}], 'nextLink': nxt})

    def rootcert(self, q, body):
        return self.reply(200, self.state.pki.root.public_bytes(serialization.Encoding.DER),
                          ctype='application/x-x509-ca-cert')

    def certchain(self, q, body):
        return self.reply(200, self.state.pki.chain_p7(self.state.pki.leaf, 'root-first'),
                          ctype='application/pkcs7-mime')


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # Clients that give up (timeouts, TLS refusals in tests) are expected; stay quiet.
        pass

    def get_request(self):
        sock, addr = super().get_request()
        with self.state.lock:
            self.state.connections += 1
        return sock, addr


def main(handler=None, make_pki=None):
    ap = argparse.ArgumentParser()
    ap.add_argument('--dir', required=True)
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    pki = (make_pki or Pki)(args.dir)
    server = Server(('127.0.0.1', 0), handler or Handler)
    server.state = State(pki)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(args.dir, 'tls.pem'))
    # The handshake happens in the handler thread, so a slow client never blocks accept().
    server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    tmp = os.path.join(args.dir, 'port.tmp')
    with open(tmp, 'w') as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, os.path.join(args.dir, 'port'))
    server.serve_forever()


if __name__ == '__main__':
    main()
