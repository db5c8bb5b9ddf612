#!/usr/bin/python3
"""A local imitation of Azure Key Vault's certificate and key REST API (api-version 7.x) and of
Microsoft Entra ID issuing tokens for https://vault.azure.net, for tests. Built on the Trusted
Signing mock (its TLS set-up, Entra ID, managed identity, fault injection and counters).

Run:  key_vault_mock.py --dir DIR   (files as trusted_signing_mock.py writes them; leaf.pem is the
certificate 'policy-signer', whose chain is intermediate.pem -> root.pem)

Vault routes (Authorization: Bearer from its Entra ID, else 401 with the challenge that names the
authority and the resource, as Key Vault does):
  GET  /certificates/{name}[/{version}]?api-version=7.x     kinds: certificate
  POST /keys/{name}/{version}/sign?api-version=7.x          kinds: sign
Certificates: policy-signer (RSA-3072; versions v1 and the current v2), ec-signer (ECDSA P-256),
disabled-signer (attributes.enabled false).
Config (POST /admin/config) beyond the Trusted Signing mock's: "roles": the RBAC roles the caller
holds (default both "Key Vault Certificate User" and "Key Vault Crypto User"; a missing one gives
403 ForbiddenByRbac), "bad_signature", "kid" (the key id the certificate names), "latency_ms",
"sign_latency_ms", "faults" (kinds certificate, sign, token).
GET /admin/stats adds "max_in_flight" (sign requests at once) and "bearers" (distinct tokens used).
"""
import base64
import json
import threading
import urllib.parse

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

import trusted_signing_mock as ts

API_VERSIONS = ('7.0', '7.1', '7.2', '7.3', '7.4', '7.5')
ROLES = ['Key Vault Certificate User', 'Key Vault Crypto User']
HASHES = {'RS256': (hashes.SHA256, 32), 'RS384': (hashes.SHA384, 48), 'RS512': (hashes.SHA512, 64)}


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


class VaultPki(ts.Pki):
    def __init__(self, folder):
        super().__init__(folder)
        self.ec_key = ec.generate_private_key(ec.SECP256R1())
        self.ec_leaf = ts._issue('Mock EC Signer', self.ec_key, self.intermediate, self.int_key)
        # name -> [(version, certificate, private key, enabled)], the current version last
        self.vault = {
            'policy-signer': [('v1', self.other_leaf, self.other_key, True),
                              ('v2', self.leaf, self.leaf_key, True)],
            'ec-signer': [('e1', self.ec_leaf, self.ec_key, True)],
            'disabled-signer': [('d1', self.other_leaf, self.other_key, False)],
        }


class VaultHandler(ts.Handler):
    AUDIENCE = 'https://vault.azure.net'
    server_version = 'MockKeyVault/1.0'
    in_flight = 0
    max_in_flight = 0
    bearers = set()
    counter_lock = threading.Lock()

    def route(self, method, path):
        kind, handler = super().route(method, path)
        if kind in ('token', 'imds', 'appservice'):
            return kind, handler
        parts = [urllib.parse.unquote(p) for p in path.split('/')][1:]
        if parts and parts[-1] == '':
            parts = parts[:-1]
        if method == 'GET' and len(parts) in (2, 3) and parts[0] == 'certificates':
            return 'certificate', lambda q, b: self.vault(q, 'Key Vault Certificate User',
                                                          lambda: self.certificate(parts[1:]))
        if method == 'POST' and len(parts) == 4 and parts[0] == 'keys' and parts[3] == 'sign':
            return 'sign', lambda q, b: self.vault(q, 'Key Vault Crypto User',
                                                   lambda: self.sign(parts[1], parts[2], b))
        return None, None

    def admin(self, method, path):
        if method == 'POST' and path == '/admin/reset':
            with VaultHandler.counter_lock:
                VaultHandler.max_in_flight = 0
                VaultHandler.bearers = set()
        if method == 'GET' and path == '/admin/stats':
            self.body()
            st = self.state
            with st.lock, VaultHandler.counter_lock:
                return self.reply(200, {'requests': st.requests, 'connections': st.connections,
                                        'retry_gaps': st.retry_gaps, 'issued_tokens': len(st.issued),
                                        'headers': st.headers_seen, 'log': st.log,
                                        'max_in_flight': VaultHandler.max_in_flight,
                                        'bearers': len(VaultHandler.bearers)})
        return super().admin(method, path)

    def error(self, status, code, message, inner=None, headers=None):
        e = {'code': code, 'message': message}
        if inner:
            e['innererror'] = {'code': inner}
        return self.reply(status, {'error': e}, headers=headers)

    def base(self):
        return 'https://' + self.headers.get('Host', '127.0.0.1')

    def vault(self, q, role, fn):
        auth = self.headers.get('Authorization', '')
        token = auth[7:] if auth.startswith('Bearer ') else None
        with self.state.lock:
            ok = token and (token in self.state.issued or token in self.state.config['access_tokens'])
        if not ok:
            challenge = (f'Bearer authorization="https://login.microsoftonline.com/{ts.TENANT}", '
                         f'resource="{self.AUDIENCE}"')
            return self.error(401, 'Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.',
                              headers={'WWW-Authenticate': challenge})
        with VaultHandler.counter_lock:
            VaultHandler.bearers.add(token)
        if q.get('api-version') not in API_VERSIONS:
            return self.error(400, 'BadParameter', 'The specified version (%s) is not recognized.'
                              % q.get('api-version'))
        if role not in self.state.config.get('roles', ROLES):
            return self.error(403, 'Forbidden', 'Caller is not authorized to perform action on '
                              'resource.\r\nIf role assignments, deny assignments or role '
                              'definitions were changed recently, please observe propagation time.',
                              inner='ForbiddenByRbac')
        return fn()

    def certificate(self, name_version):
        versions = self.state.pki.vault.get(name_version[0])
        wanted = name_version[1] if len(name_version) > 1 else None
        found = [v for v in versions or [] if wanted in (None, v[0])]
        if not found:
            return self.error(404, 'CertificateNotFound', 'A certificate with (name/id) %s was not '
                              'found in this key vault.' % '/'.join(name_version))
        version, cert, key, enabled = found[-1]
        name, host = name_version[0], self.base()
        der = cert.public_bytes(serialization.Encoding.DER)
        is_ec = isinstance(key, ec.EllipticCurvePrivateKey)
        return self.reply(200, {
            'id': f'{host}/certificates/{name}/{version}',
            'kid': self.state.config.get('kid', f'{host}/keys/{name}/{version}'),
            'sid': f'{host}/secrets/{name}/{version}',
            'x5t': b64url(cert.fingerprint(hashes.SHA1())),
            'cer': base64.b64encode(der).decode(),
            'attributes': {'enabled': enabled, 'recoveryLevel': 'Recoverable+Purgeable'},
            'policy': {'id': f'{host}/certificates/{name}/policy',
                       'key_props': {'exportable': False, 'kty': 'EC' if is_ec else 'RSA',
                                     'key_size': None if is_ec else key.key_size,
                                     'reuse_key': False},
                       'secret_props': {'contentType': 'application/x-pkcs12'},
                       'issuer': {'name': 'Unknown'}}})

    def sign(self, name, version, body):
        with VaultHandler.counter_lock:
            VaultHandler.in_flight += 1
            VaultHandler.max_in_flight = max(VaultHandler.max_in_flight, VaultHandler.in_flight)
        try:
            return self.sign_now(name, version, body)
        finally:
            with VaultHandler.counter_lock:
                VaultHandler.in_flight -= 1

    def sign_now(self, name, version, body):
        import time
        latency = self.state.config.get('sign_latency_ms', 0)
        if latency:
            time.sleep(latency / 1000.0)
        match = [v for v in self.state.pki.vault.get(name, []) if v[0] == version]
        if not match:
            return self.error(404, 'KeyNotFound', f'A key with (name/id) {name}/{version} was not '
                              'found in this key vault.')
        _, _, key, _ = match[0]
        try:
            req = json.loads(body)
            alg, digest = req['alg'], b64url_decode(req['value'])
        except Exception:
            return self.error(400, 'BadParameter', 'Property value is missing or malformed.')
        if alg not in HASHES or len(digest) != HASHES[alg][1]:
            return self.error(400, 'BadParameter', f'Invalid digest length for algorithm {alg}.')
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return self.error(400, 'BadParameter', f'Key and signing algorithm are incompatible: {alg}.')
        sig = key.sign(digest, padding.PKCS1v15(), utils.Prehashed(HASHES[alg][0]()))
        if self.state.config['bad_signature']:
            sig = bytes([sig[0] ^ 1]) + sig[1:]
        return self.reply(200, {'kid': f'{self.base()}/keys/{name}/{version}', 'value': b64url(sig)})


if __name__ == '__main__':
    ts.main(VaultHandler, VaultPki)
