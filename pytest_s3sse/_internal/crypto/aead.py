"""AES-256-GCM with a random nonce: the primitive under every envelope.

``cryptography``'s ``InvalidTag`` is translated here, at the crypto boundary, into
:class:`~pytest_s3sse._internal.errors.DecryptionError`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, NoReturn

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from pytest_s3sse._internal.errors import DecryptionError
from pytest_s3sse._internal.types import NOT_PICKLED

NONCE_SIZE = 12
TAG_SIZE = 16
KEY_SIZE = 32
OVERHEAD = NONCE_SIZE + TAG_SIZE

Buffer = bytes | bytearray | memoryview


class Aead:
    """One AES-256-GCM key. ``seal`` returns ``nonce || ciphertext || tag``."""

    __slots__ = ("_cipher", "_key", "_nonce")
    # Bytes a sealed message adds to its plaintext; the segment format checks lengths against it, so a
    # layered cipher (DSSE-KMS, :mod:`pytest_s3sse._internal.crypto.layered`) declares its own.
    overhead: ClassVar[int] = OVERHEAD

    def __init__(self, key: bytes, nonce_source: Callable[[int], bytes]) -> None:
        if len(key) != KEY_SIZE:
            msg = f"AES-256-GCM needs a {KEY_SIZE}-byte key, got {len(key)}"
            raise ValueError(msg)
        self._cipher = AESGCM(key)
        self._key = key
        self._nonce = nonce_source

    def export_key(self) -> bytes:
        """The raw key: only for a state directory's key file (``_internal/persistence.py``)."""
        return self._key

    @property
    def nonce_source(self) -> Callable[[int], bytes]:
        """Where this key's nonces come from (the engine's entropy, or the OS)."""
        return self._nonce

    def __reduce__(self) -> NoReturn:
        raise TypeError(NOT_PICKLED)

    def seal(self, plaintext: Buffer, aad: bytes) -> bytes:
        """Encrypt and authenticate ``plaintext`` bound to ``aad``."""
        nonce = self._nonce(NONCE_SIZE)
        return nonce + self._cipher.encrypt(nonce, plaintext, aad)

    def seal_with(self, nonce: bytes, plaintext: Buffer, aad: bytes) -> bytes:
        """:meth:`seal` with a nonce drawn by the caller (a cipher shared by callers with their
        own random sources). Never reuse a nonce under one key."""
        if len(nonce) != NONCE_SIZE:
            msg = f"AES-256-GCM here takes a {NONCE_SIZE}-byte nonce, got {len(nonce)}"
            raise ValueError(msg)
        return nonce + self._cipher.encrypt(nonce, plaintext, aad)

    def open(self, sealed: Buffer, aad: bytes) -> bytes:
        """Decrypt what :meth:`seal` produced; raise DecryptionError if anything was altered."""
        view = memoryview(sealed)
        if len(view) < OVERHEAD:
            msg = "sealed data is shorter than a nonce and a tag"
            raise DecryptionError(msg)
        try:
            return self._cipher.decrypt(view[:NONCE_SIZE], view[NONCE_SIZE:], aad)
        except InvalidTag as exc:
            msg = "ciphertext failed authentication"
            raise DecryptionError(msg) from exc


def derive_key(secret: bytes, salt: bytes, info: bytes) -> bytes:
    """A 256-bit key derived from ``secret`` with HKDF-SHA256 (used for customer-key wrapping)."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=salt, info=info).derive(secret)
