"""HMAC keys for the KMS double's GenerateMac and VerifyMac (RFC 2104, through Python's ``hmac``).

KMS's ``HMAC_SHA_<n>`` algorithms are HMAC over SHA-2 (P, KMS DG "HMAC keys in AWS KMS"); a MAC is
checked in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import NoReturn

from pytest_s3sse._internal.types import NOT_PICKLED

_DIGESTS = {
    "HMAC_SHA_224": hashlib.sha224,
    "HMAC_SHA_256": hashlib.sha256,
    "HMAC_SHA_384": hashlib.sha384,
    "HMAC_SHA_512": hashlib.sha512,
}


class MacKey:
    """One HMAC key's secret."""

    __slots__ = ("_secret",)

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def __repr__(self) -> str:
        return f"MacKey({len(self._secret)} bytes)"

    def export_secret(self) -> bytes:
        """The raw secret: only for a state directory's key file (``_internal/persistence.py``)."""
        return self._secret

    def __reduce__(self) -> NoReturn:
        raise TypeError(NOT_PICKLED)

    def mac(self, algorithm: str, message: bytes) -> bytes:
        """The HMAC of ``message`` with ``algorithm`` (``HMAC_SHA_256`` ...)."""
        return hmac.new(self._secret, message, _DIGESTS[algorithm]).digest()

    def verify(self, algorithm: str, message: bytes, mac: bytes) -> bool:
        """Whether ``mac`` is the HMAC of ``message`` (compared in constant time)."""
        return hmac.compare_digest(self.mac(algorithm, message), mac)
