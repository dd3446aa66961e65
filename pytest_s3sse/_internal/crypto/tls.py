"""A throw-away certificate authority and server certificate for the local HTTPS endpoint.

Made with ``cryptography`` (this layer is its only user) each time a server starts: an ECDSA P-256
CA, and a certificate it signs for ``127.0.0.1``, ``::1``, ``localhost``, ``*.localhost`` and
``*.s3.localhost`` (virtual-hosted requests: ``<bucket>.s3.localhost``), valid from a day before
now for 30 days. The CA's private key is never written anywhere: only the CA certificate (the bundle
clients trust), the server certificate and the server's key are written, to a private directory: a
fresh one each run, or a state directory's ``tls/``, where they are reused while the certificate has
more than a day left (so a client that trusts the bundle keeps trusting a restarted endpoint).
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DNS_NAMES = ("localhost", "*.localhost", "s3.localhost", "*.s3.localhost")
IP_ADDRESSES = ("127.0.0.1", "::1")
_MARGIN = datetime.timedelta(days=1)  # a reused certificate is valid at least this much longer


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """Where the PEM files are: ``ca_bundle`` is what clients trust (``AWS_CA_BUNDLE``,
    ``verify=``, ``--ca-bundle``); ``certificate`` and ``key`` are the server's."""

    ca_bundle: Path
    certificate: Path
    key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "pytest-s3sse"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def reuse_tls_files(directory: Path, *, margin: datetime.timedelta = _MARGIN) -> TlsFiles | None:
    """The files :func:`make_tls_files` wrote into ``directory`` earlier, when they are all there and
    the server certificate is valid for ``margin`` more (a state directory's endpoint keeps its CA,
    so clients keep trusting it across restarts); None otherwise."""
    files = _files(directory)
    try:
        cert = x509.load_pem_x509_certificate(files.certificate.read_bytes())
        x509.load_pem_x509_certificate(files.ca_bundle.read_bytes())
        serialization.load_pem_private_key(files.key.read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        return None
    now = datetime.datetime.now(datetime.timezone.utc)
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc - margin:
        return None
    return files


def _files(directory: Path) -> TlsFiles:
    return TlsFiles(directory / "ca.pem", directory / "server.pem", directory / "server-key.pem")


def make_tls_files(directory: Path) -> TlsFiles:
    """Make a new CA and a server certificate for the loopback names, written into ``directory``."""
    now = datetime.datetime.now(datetime.timezone.utc)  # certificates: real time
    not_before, not_after = now - datetime.timedelta(days=1), now + datetime.timedelta(days=30)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("pytest-s3sse local CA")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName(n) for n in DNS_NAMES]
    names += [x509.IPAddress(ipaddress.ip_address(a)) for a in IP_ADDRESSES]
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    files = _files(directory)
    files.ca_bundle.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    files.certificate.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(files.key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key_pem)
    return files
