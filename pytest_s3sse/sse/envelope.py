"""Object envelopes: a fresh data key per object, stored only wrapped.

The domain asks for a cipher for a new object and gets the key material to store beside it (an
:class:`Envelope`); to read, it hands the envelope back. The data key itself never leaves this module
except inside an :class:`~pytest_s3sse.crypto.aead.Aead`.

How the data key is wrapped depends on the mode, so :attr:`Envelope.wrapped` is one of a small union:

- :class:`~pytest_s3sse.crypto.keyring.WrappedKey`: SSE-S3, wrapped under the engine's rotating root key;
- :class:`~pytest_s3sse.crypto.customer.CustomerWrappedKey`: SSE-C, wrapped under a key derived from the
  customer's key, which the engine never keeps (only a salted HMAC fingerprint to recognise it).

SSE-KMS adds a third member (a KMS ciphertext blob) without changing the callers: they pass what the
mode needs (``customer_key=`` for SSE-C) and get a cipher back.
"""

from __future__ import annotations

from dataclasses import dataclass

from pytest_s3sse.crypto import customer
from pytest_s3sse.crypto.aead import KEY_SIZE, Aead
from pytest_s3sse.crypto.customer import CustomerWrappedKey
from pytest_s3sse.crypto.keyring import RootKeyRing, WrappedKey
from pytest_s3sse.entropy import Entropy
from pytest_s3sse.errors import S3SSEError
from pytest_s3sse.types import ObjectEncryption, SseMode

WrappedDataKey = WrappedKey | CustomerWrappedKey


@dataclass(frozen=True, slots=True, repr=False)
class Envelope:
    """What is stored beside an object's ciphertext to recover its data key."""

    encryption: ObjectEncryption
    object_id: bytes
    wrapped: WrappedDataKey

    @property
    def root_key_version(self) -> int | None:
        """The SSE-S3 root key version that wrapped the data key (None for other modes)."""
        return self.wrapped.root_version if isinstance(self.wrapped, WrappedKey) else None

    @property
    def customer_wrapped(self) -> bool:
        """True when only a customer-provided key opens this envelope (SSE-C)."""
        return isinstance(self.wrapped, CustomerWrappedKey)

    def __repr__(self) -> str:
        version = self.root_key_version
        where = f"root_version={version}" if version is not None else "customer key"
        return f"Envelope({self.encryption.mode.value}, {where})"


class Sealer:
    """Makes and opens object data keys for every SSE mode."""

    def __init__(self, keyring: RootKeyRing, entropy: Entropy) -> None:
        self._keyring = keyring
        self._entropy = entropy

    def new_object(
        self, encryption: ObjectEncryption, *, customer_key: bytes | None = None
    ) -> tuple[Aead, Envelope]:
        """A fresh data key for one object (or one multipart upload).

        SSE-C needs ``customer_key`` (the raw key of this request); it is used to wrap and to
        fingerprint, then dropped.
        """
        object_id = self._entropy.bytes(16)
        data_key = self._entropy.bytes(KEY_SIZE)
        wrapped: WrappedDataKey
        if encryption.mode is SseMode.SSE_S3:
            wrapped = self._keyring.wrap(data_key, object_id)
        elif encryption.mode is SseMode.SSE_C:
            if customer_key is None:
                msg = "an SSE-C envelope needs the customer key"
                raise S3SSEError(msg)
            wrapped = customer.wrap(data_key, customer_key, object_id, self._entropy.bytes)
        else:
            msg = f"{encryption.mode.value} envelopes are not implemented yet"
            raise S3SSEError(msg)
        return Aead(data_key, self._entropy.bytes), Envelope(encryption, object_id, wrapped)

    def matches(self, envelope: Envelope, customer_key: bytes) -> bool:
        """True when ``customer_key`` opens ``envelope`` (by its fingerprint, never by decrypting)."""
        wrapped = envelope.wrapped
        return isinstance(wrapped, CustomerWrappedKey) and customer.matches(wrapped, customer_key)

    def open(self, envelope: Envelope, *, customer_key: bytes | None = None) -> Aead:
        """The cipher of a stored object (raises DecryptionError if its wrapped key was altered).

        An SSE-C envelope needs ``customer_key``; callers check it with :meth:`matches` first, so a
        wrong key is S3's 403, not a decryption failure.
        """
        wrapped = envelope.wrapped
        if isinstance(wrapped, CustomerWrappedKey):
            if customer_key is None:
                msg = "an SSE-C envelope opens only with the customer key"
                raise S3SSEError(msg)
            data_key = customer.unwrap(
                wrapped, customer_key, envelope.object_id, self._entropy.bytes
            )
        else:
            data_key = self._keyring.unwrap(wrapped, envelope.object_id)
        return Aead(data_key, self._entropy.bytes)
