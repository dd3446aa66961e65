"""Two independent layers of AES-256-GCM: the cipher of DSSE-KMS objects.

DSSE-KMS is "dual-layer server-side encryption": S3 applies two layers of encryption to each object,
each under its own data key (P, S3 user guide "Using dual-layer server-side encryption with AWS KMS
keys"). :class:`LayeredAead` is that recipe with the interface of :class:`~.aead.Aead`, so the segment
format seals and opens each segment twice (inner, then outer) without knowing it: a ranged read still
decrypts only the segments it touches, and each segment carries two nonces and two tags
(:attr:`LayeredAead.overhead`).
"""

from __future__ import annotations

from typing import ClassVar

from pytest_s3sse._internal.crypto.aead import OVERHEAD, Aead, Buffer

# The outer layer authenticates the same position as the inner one, under its own label, so a segment
# sealed by one layer can never be passed off as the other's.
_OUTER = b"s3sse-dsse-outer|"


class LayeredAead(Aead):
    """``outer.seal(inner.seal(plaintext))``: two keys, two nonces, two tags per message.

    It subclasses :class:`~.aead.Aead` only to be accepted wherever one is; it keeps no key of its own
    and overrides everything that would use one.
    """

    __slots__ = ("_inner", "_outer")
    overhead: ClassVar[int] = 2 * OVERHEAD

    def __init__(self, inner: Aead, outer: Aead) -> None:  # keeps no key: super() is not called
        self._inner = inner
        self._outer = outer

    def seal(self, plaintext: Buffer, aad: bytes) -> bytes:
        """Encrypt under the inner key, then encrypt that under the outer key."""
        return self._outer.seal(self._inner.seal(plaintext, aad), _OUTER + aad)

    def open(self, sealed: Buffer, aad: bytes) -> bytes:
        """Remove the outer layer, then the inner one (DecryptionError if either was altered)."""
        return self._inner.open(self._outer.open(sealed, _OUTER + aad), aad)
