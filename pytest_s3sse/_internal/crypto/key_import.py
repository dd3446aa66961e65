"""Imported key material (BYOK): unwrapping what a user wrapped with GetParametersForImport's public key,
and reading an imported private key, through ``cryptography``.

The wrapping algorithms are AWS's (P, KMS DG "Select a wrapping algorithm"): ``RSAES_OAEP_SHA_1`` and
``RSAES_OAEP_SHA_256`` wrap the material directly with RSAES-OAEP (MGF1 over the same hash, no label);
``RSA_AES_KEY_WRAP_SHA_1`` and ``RSA_AES_KEY_WRAP_SHA_256`` wrap an ephemeral AES key with RSAES-OAEP
and the material with that AES key (AES key wrap with padding, RFC 5649); the two are concatenated, the
RSA part first (its length is the wrapping key's modulus). Any failure is
:class:`~pytest_s3sse._internal.errors.DecryptionError`: ``cryptography``'s exceptions stay here.
"""

from __future__ import annotations

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap_with_padding

from pytest_s3sse._internal.crypto.asymmetric import RSA_BITS, KeyPair
from pytest_s3sse._internal.errors import DecryptionError

WRAPPING_ALGORITHMS = (
    "RSAES_OAEP_SHA_1",
    "RSAES_OAEP_SHA_256",
    "RSA_AES_KEY_WRAP_SHA_1",
    "RSA_AES_KEY_WRAP_SHA_256",
)
_EC_CURVES = {
    "ECC_NIST_P256": "secp256r1",
    "ECC_NIST_P384": "secp384r1",
    "ECC_NIST_P521": "secp521r1",
    "ECC_SECG_P256K1": "secp256k1",
}


def unwrap(wrapping: KeyPair, algorithm: str, wrapped: bytes) -> bytes:
    """The key material inside ``wrapped`` (see the module docstring); DecryptionError when it is not
    material wrapped with ``wrapping``'s public key and ``algorithm``."""
    oaep = "RSAES_OAEP_SHA_" + algorithm.rsplit("_", 1)[-1]
    if algorithm.startswith("RSAES_OAEP_"):
        return wrapping.decrypt(oaep, wrapped)
    size = wrapping.rsa_bytes
    aes_key = wrapping.decrypt(oaep, wrapped[:size])
    try:
        return aes_key_unwrap_with_padding(aes_key, wrapped[size:])
    except (InvalidUnwrap, ValueError) as exc:
        msg = "AES key unwrap failed"
        raise DecryptionError(msg) from exc


def private_key(spec: str, der: bytes) -> KeyPair:
    """An imported private key (PKCS #8 DER) as a key pair of ``spec``; DecryptionError when it is not
    a private key of that spec (another algorithm, size or curve)."""
    try:
        key = serialization.load_der_private_key(der, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        msg = "not a PKCS #8 private key"
        raise DecryptionError(msg) from exc
    bits = RSA_BITS.get(spec)
    if bits is not None and isinstance(key, rsa.RSAPrivateKey) and key.key_size == bits:
        return KeyPair(spec, key)
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == _EC_CURVES.get(spec):
        return KeyPair(spec, key)
    msg = f"not a {spec} private key"
    raise DecryptionError(msg)
