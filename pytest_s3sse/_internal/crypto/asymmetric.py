"""Asymmetric key pairs for the KMS double: RSA and elliptic-curve keys, signatures, RSAES-OAEP and
ECDH, all through ``cryptography``.

KMS's algorithm names are mapped here to ``cryptography``'s primitives as AWS defines them (P, KMS DG
"Asymmetric key specs" and the ``SigningAlgorithmSpec`` docs): RSASSA-PSS with MGF1 over the message's
hash and a salt as long as the digest (the length LocalStack's AWS-validated ``test_verify_salt_length``
checks), RSASSA-PKCS1-v1_5, ECDSA with a DER-encoded signature, RSAES-OAEP with MGF1 over the same hash
and no label. A signature made here verifies with ``cryptography`` against :meth:`KeyPair.public_der`,
and a ciphertext made outside with that public key decrypts here, as with KMS.

``cryptography``'s exceptions stay in this module: a failed RSA decryption is
:class:`~pytest_s3sse._internal.errors.DecryptionError`, a bad signature is ``False``, a peer public key
that is not one of this curve is ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from pytest_s3sse._internal.errors import DecryptionError
from pytest_s3sse._internal.types import NOT_PICKLED

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "SHA_1": hashes.SHA1,
    "SHA_256": hashes.SHA256,
    "SHA_384": hashes.SHA384,
    "SHA_512": hashes.SHA512,
}
_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "ECC_NIST_P256": ec.SECP256R1,
    "ECC_NIST_P384": ec.SECP384R1,
    "ECC_NIST_P521": ec.SECP521R1,
    "ECC_SECG_P256K1": ec.SECP256K1,
}
RSA_BITS = {"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}
# The key specs this module makes pairs of (KeySpec and DataKeyPairSpec share these names).
SPECS = frozenset(RSA_BITS) | frozenset(_CURVES)
_DER = serialization.Encoding.DER
_SPKI = serialization.PublicFormat.SubjectPublicKeyInfo


def _hash_of(algorithm: str) -> hashes.HashAlgorithm:
    """The hash a KMS algorithm name ends with (``RSASSA_PSS_SHA_256`` -> SHA-256)."""
    return _HASHES[algorithm[algorithm.index("SHA_") :]]()


def digest_size(algorithm: str) -> int:
    """The length in bytes of the digest ``algorithm`` signs (what a DIGEST message must be)."""
    return _hash_of(algorithm).digest_size


class KeyPair:
    """One private key (RSA or EC) and what KMS does with it."""

    __slots__ = ("_key", "spec")

    def __init__(self, spec: str, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> None:
        self.spec = spec
        self._key = key

    @classmethod
    def generate(cls, spec: str, random_bytes: Callable[[int], bytes]) -> KeyPair:
        """A new pair of ``spec``. An EC key is derived from ``random_bytes`` (the engine's seedable
        source, so a seeded engine makes the same keys); RSA keys come from ``cryptography``'s own
        generator, which takes no random source."""
        bits = RSA_BITS.get(spec)
        if bits is not None:
            return cls(spec, rsa.generate_private_key(public_exponent=65537, key_size=bits))
        curve = _CURVES[spec]()
        # A scalar below 2**(bits - 1), which each of these curves' group order exceeds: always a
        # valid private key (one bit of key space less than a real key: this is a test double).
        size = (curve.key_size + 7) // 8
        scalar = int.from_bytes(random_bytes(size), "big") % (1 << (curve.key_size - 1))
        return cls(spec, ec.derive_private_key(scalar or 1, curve))

    def private_der(self) -> bytes:
        """The private key as PKCS #8 DER (what GenerateDataKeyPair returns as PrivateKeyPlaintext)."""
        return self._key.private_bytes(
            _DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def __reduce__(self) -> NoReturn:
        raise TypeError(NOT_PICKLED)

    def public_der(self) -> bytes:
        """The public key as DER SubjectPublicKeyInfo (GetPublicKey's PublicKey)."""
        return self._key.public_key().public_bytes(_DER, _SPKI)

    @property
    def rsa_bytes(self) -> int:
        """The RSA modulus length in bytes (0 for an EC key)."""
        return self._key.key_size // 8 if isinstance(self._key, rsa.RSAPrivateKey) else 0

    # -- signatures ------------------------------------------------------------------------------
    def sign(self, algorithm: str, message: bytes, *, digest: bool) -> bytes:
        """Sign ``message`` (its digest already, when ``digest``) with ``algorithm``."""
        chosen = _hash_of(algorithm)
        algo: hashes.HashAlgorithm | utils.Prehashed = utils.Prehashed(chosen) if digest else chosen
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(message, _signature_padding(algorithm, chosen), algo)
        return self._key.sign(message, ec.ECDSA(algo))

    def verify(self, algorithm: str, message: bytes, signature: bytes, *, digest: bool) -> bool:
        """Whether ``signature`` is ``algorithm``'s signature of ``message`` under this key."""
        chosen = _hash_of(algorithm)
        algo: hashes.HashAlgorithm | utils.Prehashed = utils.Prehashed(chosen) if digest else chosen
        public = self._key.public_key()
        try:
            if isinstance(public, rsa.RSAPublicKey):
                public.verify(signature, message, _signature_padding(algorithm, chosen), algo)
            else:
                public.verify(signature, message, ec.ECDSA(algo))
        except InvalidSignature:
            return False
        return True

    # -- RSAES-OAEP ------------------------------------------------------------------------------
    def encrypt(self, algorithm: str, plaintext: bytes) -> bytes:
        """RSAES-OAEP encryption with the public key (``RSAES_OAEP_SHA_1`` / ``_SHA_256``)."""
        assert isinstance(self._key, rsa.RSAPrivateKey)
        return self._key.public_key().encrypt(plaintext, _oaep(algorithm))

    def decrypt(self, algorithm: str, ciphertext: bytes) -> bytes:
        """RSAES-OAEP decryption; DecryptionError when the ciphertext is not one of this key's."""
        assert isinstance(self._key, rsa.RSAPrivateKey)
        try:
            return self._key.decrypt(ciphertext, _oaep(algorithm))
        except ValueError as exc:
            msg = "RSAES-OAEP decryption failed"
            raise DecryptionError(msg) from exc

    # -- ECDH ------------------------------------------------------------------------------------
    def exchange(self, peer_public_der: bytes) -> bytes | None:
        """The ECDH shared secret with a DER SubjectPublicKeyInfo public key; None when it is not
        a public key of this key's curve."""
        assert isinstance(self._key, ec.EllipticCurvePrivateKey)
        try:
            peer = serialization.load_der_public_key(peer_public_der)
        except (ValueError, TypeError):
            return None
        if (
            not isinstance(peer, ec.EllipticCurvePublicKey)
            or peer.curve.name != self._key.curve.name
        ):
            return None
        return self._key.exchange(ec.ECDH(), peer)


def _signature_padding(algorithm: str, chosen: hashes.HashAlgorithm) -> padding.AsymmetricPadding:
    if algorithm.startswith("RSASSA_PSS"):
        return padding.PSS(mgf=padding.MGF1(chosen), salt_length=padding.PSS.DIGEST_LENGTH)
    return padding.PKCS1v15()


def _oaep(algorithm: str) -> padding.OAEP:
    chosen = _hash_of(algorithm)
    return padding.OAEP(mgf=padding.MGF1(chosen), algorithm=chosen, label=None)
