"""Electronic seals on certificate PDFs: a test CA made at run time and pyHanko signing.

Nothing secret is committed: :class:`SealAuthority` generates an ECDSA P-256 root CA ("TEST
ONLY") and a seal certificate for the issuing department in memory, on first use (a few ms;
China's real e-seals use SM2, also an elliptic curve, which pyHanko does not sign with).
``sign(pdf)`` adds a PAdES-style signature (pyHanko, SHA-256, incremental update), so the
bytes of the original document stay a prefix of the signed one. ``ca_pem`` is published
at ``/seal/ca.pem`` so terminals and tests can validate against it.
"""

from __future__ import annotations

import datetime as dt
import io
import threading

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

SEAL_FIELD = "ElectronicSeal"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "e办通 simulator (TEST ONLY)"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _cert(subject: x509.Name, issuer: x509.Name, public: ec.EllipticCurvePublicKey,
          signer: ec.EllipticCurvePrivateKey, ca: bool, now: dt.datetime) -> x509.Certificate:
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(public).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=1))
               .not_valid_after(now + dt.timedelta(days=3650 if ca else 825))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(
                   digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                   data_encipherment=False, key_agreement=False, key_cert_sign=ca,
                   crl_sign=ca, encipher_only=False, decipher_only=False), critical=True))
    return builder.sign(signer, hashes.SHA256())


class SealAuthority:
    """A run-time test CA and one department seal that signs certificate PDFs."""

    def __init__(self, department: str = "昆明市政务服务管理局电子印章") -> None:
        self.department = department
        self._lock = threading.Lock()
        self._signer: signers.SimpleSigner | None = None
        self._ca_pem = b""
        self._ca_asn1: asn1_x509.Certificate | None = None

    @property
    def ca_pem(self) -> bytes:
        """The root certificate (PEM) to validate seals against."""
        self._ready()
        return self._ca_pem

    @property
    def ca_asn1(self) -> asn1_x509.Certificate:
        """The root certificate as pyHanko's validation context wants it."""
        self._ready()
        assert self._ca_asn1 is not None
        return self._ca_asn1

    def _ready(self) -> signers.SimpleSigner:
        """Make the keys on first use."""
        with self._lock:
            if self._signer is None:
                self._signer = self._make()
            return self._signer

    def _make(self) -> signers.SimpleSigner:
        department = self.department
        now = dt.datetime.now(dt.UTC)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        seal_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = _name("e办通 测试根CA (TEST ONLY)")
        ca_cert = _cert(ca_name, ca_name, ca_key.public_key(), ca_key, True, now)
        seal_cert = _cert(_name(department), ca_name, seal_key.public_key(), ca_key, False, now)
        self._ca_pem = ca_cert.public_bytes(serialization.Encoding.PEM)
        der = serialization.Encoding.DER
        self._ca_asn1 = asn1_x509.Certificate.load(ca_cert.public_bytes(der))
        return signers.SimpleSigner(
            signing_cert=asn1_x509.Certificate.load(seal_cert.public_bytes(der)),
            signing_key=asn1_keys.PrivateKeyInfo.load(seal_key.private_bytes(
                der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
            cert_registry=SimpleCertificateStore.from_certs([self._ca_asn1]))

    def sign(self, pdf: bytes, reason: str = "电子证明出具", location: str = "昆明") -> bytes:
        """The PDF with the seal's signature added as an incremental update."""
        meta = signers.PdfSignatureMetadata(field_name=SEAL_FIELD, reason=reason,
                                            location=location, md_algorithm="sha256")
        out = io.BytesIO()
        signer = self._ready()
        with self._lock:
            signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta,
                             signer=signer, output=out)
        return out.getvalue()
