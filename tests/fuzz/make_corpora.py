#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, made at run time in OUT/<target>/: the project's own files
(templates, the regression inputs in tests/fuzz/regressions), inputs derived from them (a
TimeStampResp made with the openssl CLI, the issue's malformed documents) and, when ../shared (or
$CIPOLICY_SHARED_DIR) is present, Microsoft's oracles, read in place and never copied into the
repository."""
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# Seeds larger than this make every mutation slow under the sanitizers (the 500 KB blocklists).
MAX_SEED = 128 * 1024


def shared_oracles():
    d = os.environ.get('CIPOLICY_SHARED_DIR') or os.path.join(ROOT, '..', 'shared')
    d = os.path.join(d, 'oracles')
    return d if os.path.isdir(d) else None


class Corpora:
    def __init__(self, out):
        self.out = out

    def add(self, target, data):
        if len(data) > MAX_SEED:
            return
        folder = os.path.join(self.out, target)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, hashlib.sha1(data).hexdigest()), 'wb') as f:
            f.write(data)

    def add_files(self, target, pattern):
        for path in sorted(glob.glob(pattern)):
            with open(path, 'rb') as f:
                self.add(target, f.read())


def timestamp_reply(data):
    """A granted TimeStampResp for `data`, from a throwaway TSA made with the openssl CLI."""
    with tempfile.TemporaryDirectory() as d:
        p = lambda n: os.path.join(d, n)
        with open(p('tsa.cnf'), 'w') as f:
            f.write('[req]\ndistinguished_name=dn\n[dn]\n[ext]\n'
                    'extendedKeyUsage=critical,timeStamping\n'
                    '[tsa]\ndefault_tsa=t\n[t]\nserial=' + p('serial') + '\n'
                    'signer_digest=sha256\ndefault_policy=1.2.3.4\ndigests=sha256\n'
                    'ess_cert_id_alg=sha256\n')
        with open(p('serial'), 'w') as f:
            f.write('01\n')
        with open(p('data'), 'wb') as f:
            f.write(data)
        steps = [
            ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('k.pem'), '-out',
             p('c.pem'), '-subj', '/CN=fuzz TSA', '-days', '30', '-config', p('tsa.cnf'),
             '-extensions', 'ext'],
            ['ts', '-query', '-data', p('data'), '-sha256', '-cert', '-out', p('q.tsq')],
            ['ts', '-reply', '-config', p('tsa.cnf'), '-section', 't', '-queryfile', p('q.tsq'),
             '-signer', p('c.pem'), '-inkey', p('k.pem'), '-out', p('r.tsr')],
            ['ts', '-reply', '-in', p('r.tsr'), '-token_out', '-out', p('token.der')],
        ]
        for args in steps:
            if subprocess.run(['openssl', *args], capture_output=True).returncode != 0:
                return None, None
        with open(p('r.tsr'), 'rb') as f, open(p('token.der'), 'rb') as g:
            return f.read(), g.read()


def minimal_pe():
    """A small PE32+ image: headers, one section, no signature (a seed for fuzz_pe)."""
    import struct
    b = bytearray(0x400)
    b[0:2] = b'MZ'
    struct.pack_into('<I', b, 0x3c, 0x40)
    b[0x40:0x44] = b'PE\0\0'
    struct.pack_into('<HHIIIHH', b, 0x44, 0x8664, 1, 0, 0, 0, 240, 0x22)
    opt = 0x58
    struct.pack_into('<H', b, opt, 0x20b)
    struct.pack_into('<I', b, opt + 60, 0x200)  # SizeOfHeaders
    struct.pack_into('<H', b, opt + 68, 3)      # console subsystem
    struct.pack_into('<I', b, opt + 108, 16)    # NumberOfRvaAndSizes
    sec = opt + 240
    b[sec:sec + 8] = b'.text\0\0\0'
    struct.pack_into('<IIII', b, sec + 8, 0x200, 0x1000, 0x200, 0x200)
    return bytes(b)


def main(out):
    shutil.rmtree(out, ignore_errors=True)
    c = Corpora(out)
    # Regression inputs: one folder per target, each file a reproducer of a fixed finding.
    for folder in sorted(glob.glob(os.path.join(HERE, 'regressions', '*'))):
        c.add_files(os.path.basename(folder), os.path.join(folder, '*'))

    c.add_files('fuzz_metadata', os.path.join(ROOT, 'templates', 'metadata.json'))
    c.add_files('fuzz_settings', os.path.join(ROOT, 'templates', 'cipolicy.yaml'))
    for uri in (b'pkcs11:token=cipolicy-test;object=policy-signer',
                b'pkcs11:token=My%20Token;id=%01%02?module-path=/usr/lib/softhsm/libsofthsm2.so',
                b'pkcs11:slot-id=7;library-version=2.40;type=private;serial=0001',
                b'pkcs11:token=t;object=k?pin-value=1234&module-name=m'):
        c.add('fuzz_pkcs11_uri', uri)
    with open(os.path.join(ROOT, 'templates', 'policy', 'SignableBase.xml'), 'rb') as f:
        base = f.read()
    # The documents that are not well-formed, built on the project's own template.
    c.add('fuzz_policy_xml', base)
    c.add('fuzz_policy_xml', base + b'garbage')
    c.add('fuzz_policy_xml', base + base[base.index(b'<SiPolicy'):])
    c.add('fuzz_policy_xml', b'<?xml version="1.0"?>\n' + base)

    reply, token = timestamp_reply(b'signature value')
    if reply:
        c.add('fuzz_timestamp_reply', reply)
        c.add('fuzz_timestamp_reply', reply + b'\0trailing')
        c.add('fuzz_timestamp_reply', token)

    c.add('fuzz_pe', minimal_pe())
    oracles = shared_oracles()
    if oracles:
        c.add_files('fuzz_pe', os.path.join(oracles, 'pe', '*.sys'))
        for pattern in ('compile/*.bin', 'samples/*.bin'):
            c.add_files('fuzz_policy_binary', os.path.join(oracles, pattern))
        for pattern in ('compile/*.xml', 'templates/*.xml'):
            c.add_files('fuzz_policy_xml', os.path.join(oracles, pattern))
        c.add_files('fuzz_signed_policy', os.path.join(oracles, 'signed', '*.p7b'))
    else:
        print('make_corpora: no ../shared/oracles; seeding from the project only')
    for target in ('fuzz_policy_binary', 'fuzz_signed_policy', 'fuzz_service_replies'):
        os.makedirs(os.path.join(out, target), exist_ok=True)


if __name__ == '__main__':
    main(sys.argv[1])
