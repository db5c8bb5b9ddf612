"""Real PE files for the scan tests: built with MinGW-w64 (an EXE, a DLL with VERSIONINFO, a
native-subsystem "driver"), signed with osslsigncode by a test PKI (root -> issuing CA -> leaf,
RSA; and an ECDSA leaf). Made once per test run in a temporary folder."""
import os
import shutil
import subprocess

CC = 'x86_64-w64-mingw32-gcc'
WINDRES = 'x86_64-w64-mingw32-windres'


def available():
    """None when every tool is there, else what is missing."""
    for tool in (CC, WINDRES, 'osslsigncode', 'openssl'):
        if not shutil.which(tool):
            return f'{tool} not installed'
    return None


def _run(*args, cwd=None):
    proc = subprocess.run(list(map(str, args)), capture_output=True, cwd=cwd)
    if proc.returncode != 0:
        raise RuntimeError(f'{args[0]} failed: {proc.stderr.decode(errors="replace")}')


VERSION_RC = r'''
1 VERSIONINFO
FILEVERSION 2,5,7,11
PRODUCTVERSION 2,5,0,0
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904b0"
    BEGIN
      VALUE "CompanyName", "Contoso Test"
      VALUE "FileDescription", "Contoso sample library"
      VALUE "InternalName", "contoso-internal"
      VALUE "OriginalFilename", "contoso.dll"
      VALUE "ProductName", "Contoso Product"
      VALUE "FileVersion", "2.5.7.11"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
'''


def _pki(d):
    """root -> Contoso Test Issuing CA -> Contoso Test Publisher (RSA), plus an ECDSA leaf."""
    conf = os.path.join(d, 'ext.cnf')
    with open(conf, 'w') as f:
        f.write('[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign\n'
                'subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n'
                '[leaf]\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n'
                'extendedKeyUsage=codeSigning\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n')
    o = lambda *a: _run('openssl', *a, cwd=d)
    o('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'root.key', '-out', 'root.pem',
      '-subj', '/CN=Contoso Test Root', '-days', '3650', '-sha256')
    o('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.csr',
      '-subj', '/CN=Contoso Test Issuing CA')
    o('x509', '-req', '-in', 'ca.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial',
      '-out', 'ca.pem', '-days', '3650', '-sha256', '-extfile', conf, '-extensions', 'ca')
    o('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr',
      '-subj', '/O=Contoso/CN=Contoso Test Publisher')
    o('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
      '-out', 'leaf.pem', '-days', '3650', '-sha256', '-extfile', conf, '-extensions', 'leaf')
    o('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ec.key')
    o('req', '-new', '-key', 'ec.key', '-out', 'ec.csr', '-subj', '/CN=Contoso EC Publisher')
    o('x509', '-req', '-in', 'ec.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
      '-out', 'ec.pem', '-days', '3650', '-sha256', '-extfile', conf, '-extensions', 'leaf')
    for name in ('leaf', 'ec'):
        with open(os.path.join(d, f'{name}-chain.pem'), 'w') as out:
            for part in (f'{name}.pem', 'ca.pem', 'root.pem'):
                with open(os.path.join(d, part)) as f:
                    out.write(f.read())


def sign(d, src, dst, leaf='leaf', digest='sha256', nest=False):
    args = ['osslsigncode', 'sign', '-certs', os.path.join(d, f'{leaf}-chain.pem'),
            '-key', os.path.join(d, f'{leaf}.key'), '-h', digest, '-n', 'Contoso sample',
            '-in', src, '-out', dst]
    if nest:
        args.insert(2, '-nest')
    _run(*args)
    return dst


def build(d):
    """Builds the samples into `d`; returns a dict of name -> path."""
    _pki(d)
    src = os.path.join(d, 'hello.c')
    with open(src, 'w') as f:
        f.write('#include <stdio.h>\nint main(void){puts("hello");return 0;}\n')
    lib = os.path.join(d, 'lib.c')
    with open(lib, 'w') as f:
        f.write('__declspec(dllexport) int contoso_add(int a, int b){return a+b;}\n')
    drv = os.path.join(d, 'drv.c')
    with open(drv, 'w') as f:
        f.write('long DriverEntry(void* a, void* b){(void)a;(void)b;return 0;}\n')
    rc = os.path.join(d, 'version.rc')
    with open(rc, 'w') as f:
        f.write(VERSION_RC)
    _run(WINDRES, rc, '-O', 'coff', '-o', os.path.join(d, 'version.o'))
    out = {}
    out['exe'] = os.path.join(d, 'hello.exe')
    _run(CC, '-O1', '-o', out['exe'], src)
    out['dll'] = os.path.join(d, 'contoso.dll')
    _run(CC, '-O1', '-shared', '-o', out['dll'], lib, os.path.join(d, 'version.o'))
    out['sys'] = os.path.join(d, 'contoso.sys')
    _run(CC, '-O1', '-nostdlib', '-shared', '-Wl,--subsystem,native', '-Wl,--entry,DriverEntry',
         '-o', out['sys'], drv, os.path.join(d, 'version.o'))
    out['signed_dll'] = sign(d, out['dll'], os.path.join(d, 'contoso-signed.dll'))
    out['signed_sys'] = sign(d, out['sys'], os.path.join(d, 'contoso-signed.sys'))
    out['signed_exe'] = sign(d, out['exe'], os.path.join(d, 'hello-signed.exe'))
    out['ec_dll'] = sign(d, out['dll'], os.path.join(d, 'contoso-ec.dll'), leaf='ec')
    out['dir'] = d
    return out
