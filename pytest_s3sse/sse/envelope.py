"""Object envelopes: a fresh data key per object, stored only wrapped.

The domain asks for a cipher for a new object and gets the key material to store beside it (an
:class:`Envelope`); to read, it hands the envelope back. The data key itself never leaves this module
except inside an :class:`~pytest_s3sse.crypto.aead.Aead`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pytest_s3sse.crypto.aead import KEY_SIZE, Aead
from pytest_s3sse.crypto.keyring import RootKeyRing, WrappedKey
from pytest_s3sse.entropy import Entropy
from pytest_s3sse.errors import S3SSEError
from pytest_s3sse.types import ObjectEncryption, SseMode


@dataclass(frozen=True, slots=True, repr=False)
class Envelope:
    """What is stored beside an object's ciphertext to recover its data key."""

    encryption: ObjectEncryption
    object_id: bytes
    wrapped: WrappedKey

    def __repr__(self) -> str:
        return f"Envelope({self.encryption.mode.value}, root_version={self.wrapped.root_version})"


class Sealer:
    """Makes and opens object data keys for every SSE mode."""

    def __init__(self, keyring: RootKeyRing, entropy: Entropy) -> None:
        self._keyring = keyring
        self._entropy = entropy

    def new_object(self, encryption: ObjectEncryption) -> tuple[Aead, Envelope]:
        """A fresh data key for one object (or one multipart upload)."""
        if encryption.mode is not SseMode.SSE_S3:
            msg = f"{encryption.mode.value} envelopes are not implemented yet"
            raise S3SSEError(msg)
        object_id = self._entropy.bytes(16)
        data_key = self._entropy.bytes(KEY_SIZE)
        wrapped = self._keyring.wrap(data_key, object_id)
        return Aead(data_key, self._entropy.bytes), Envelope(encryption, object_id, wrapped)

    def open(self, envelope: Envelope) -> Aead:
        """The cipher of a stored object (raises DecryptionError if its wrapped key was altered)."""
        data_key = self._keyring.unwrap(envelope.wrapped, envelope.object_id)
        return Aead(data_key, self._entropy.bytes)
