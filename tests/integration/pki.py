"""Test PKIs made with python3-cryptography: an implementation independent of cipolicy's own."""
import datetime
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def rsa_key(bits):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


def issue(cn, key, issuer_cert=None, issuer_key=None, ca=False, ekus=None, digest=hashes.SHA256()):
    builder = (x509.CertificateBuilder()
               .subject_name(_name(cn))
               .issuer_name(issuer_cert.subject if issuer_cert else _name(cn))
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(_NOW)
               .not_valid_after(_NOW + datetime.timedelta(days=3650))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ekus:
        builder = builder.add_extension(x509.ExtendedKeyUsage([x509.ObjectIdentifier(o) for o in ekus]),
                                        critical=False)
    return builder.sign(issuer_key or key, digest)


class Pki:
    """root -> [intermediate] -> leaf, written as PEM files into `folder`."""

    def __init__(self, folder, leaf_key=None, intermediate=True, root_bits=2048,
                 leaf_ekus=(ExtendedKeyUsageOID.CODE_SIGNING.dotted_string,), prefix='Test'):
        os.makedirs(folder, exist_ok=True)
        self.folder = folder
        self.root_key = rsa_key(root_bits)
        self.root = issue(f'{prefix} Root', self.root_key, ca=True)
        parent, parent_key = self.root, self.root_key
        self.intermediate = None
        if intermediate:
            self.intermediate_key = rsa_key(2048)
            self.intermediate = issue(f'{prefix} Intermediate', self.intermediate_key, self.root,
                                      self.root_key, ca=True)
            parent, parent_key = self.intermediate, self.intermediate_key
        self.leaf_key = leaf_key or rsa_key(3072)
        self.leaf = issue(f'{prefix} Signer', self.leaf_key, parent, parent_key, ekus=list(leaf_ekus))
        self.root_pem = self._write('root.pem', self.root.public_bytes(serialization.Encoding.PEM))
        self.root_der = self._write('root.cer', self.root.public_bytes(serialization.Encoding.DER))
        self.leaf_pem = self._write('signer.pem', self.leaf.public_bytes(serialization.Encoding.PEM))
        self.key_pem = self._write('signer.key', self.leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        chain = b''
        if self.intermediate:
            chain += self.intermediate.public_bytes(serialization.Encoding.PEM)
        chain += self.root.public_bytes(serialization.Encoding.PEM)
        self.chain_pem = self._write('chain.pem', chain)

    def _write(self, name, data):
        path = os.path.join(self.folder, name)
        with open(path, 'wb') as f:
            f.write(data)
        return path

    def write_pfx(self, name, password):
        cas = [c for c in (self.intermediate, self.root) if c is not None]
        data = pkcs12.serialize_key_and_certificates(
            b'signer', self.leaf_key, self.leaf, cas,
            serialization.BestAvailableEncryption(password.encode()))
        return self._write(name, data)

    def tbs_hash(self, cert):
        digest = hashes.Hash(hashes.SHA256())
        digest.update(cert.tbs_certificate_bytes)
        return digest.finalize().hex().upper()
