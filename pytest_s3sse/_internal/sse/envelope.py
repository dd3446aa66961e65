"""Object envelopes: a fresh data key per object, stored only wrapped.

The domain asks for a cipher for a new object and gets the key material to store beside it (an
:class:`Envelope`); to read, it hands the envelope back. The data key itself never leaves this module
except inside an :class:`~pytest_s3sse._internal.crypto.aead.Aead`.

How the data key is wrapped depends on the mode, so :attr:`Envelope.wrapped` is one of a small union:

- :class:`~pytest_s3sse._internal.crypto.keyring.WrappedKey`: SSE-S3, wrapped under the engine's rotating root key;
- :class:`~pytest_s3sse._internal.crypto.customer.CustomerWrappedKey`: SSE-C, wrapped under a key derived from the
  customer's key, which the engine never keeps (only a salted HMAC fingerprint to recognise it);
- :class:`KmsWrappedKey`: SSE-KMS, the ciphertext blob KMS returned from GenerateDataKey;
- :class:`BucketKeyWrappedKey`: SSE-KMS with an S3 Bucket Key, the bucket key's KMS blob and the
  object's salt (the object key is derived from the bucket key, :mod:`pytest_s3sse._internal.crypto.bucket_key`);
- :class:`DsseWrappedKey`: DSSE-KMS, two KMS blobs, one per layer
  (:class:`~pytest_s3sse._internal.crypto.layered.LayeredAead`).

A multipart object's envelope also carries the tag of its ordered part list
(:attr:`Envelope.parts_tag`, :mod:`pytest_s3sse._internal.crypto.manifest`), made at
CompleteMultipartUpload and checked by :meth:`Sealer.check_parts` whenever the object is read, so a
reordered, dropped or replaced stored part fails like a flipped bit.

Opening a KMS envelope calls KMS (through :class:`~pytest_s3sse._internal.sse.kms.S3Kms`) as the requester of
the read, so a disabled key, a throttled KMS or a missing permission fail the read as on S3.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from pytest_s3sse._internal.crypto import customer
from pytest_s3sse._internal.crypto.aead import KEY_SIZE, Aead
from pytest_s3sse._internal.crypto.bucket_key import SALT_SIZE, object_key
from pytest_s3sse._internal.crypto.customer import CustomerKey, CustomerWrappedKey
from pytest_s3sse._internal.crypto.keyring import RootKeyRing, WrappedKey
from pytest_s3sse._internal.crypto.layered import LayeredAead
from pytest_s3sse._internal.crypto.manifest import PartListKey
from pytest_s3sse._internal.crypto.segments import SealedPart
from pytest_s3sse._internal.entropy import Entropy
from pytest_s3sse._internal.errors import DecryptionError, S3SSEError
from pytest_s3sse._internal.sse.kms import KmsScope, S3Kms
from pytest_s3sse._internal.sse.rules import WriteEncryption
from pytest_s3sse._internal.types import ObjectEncryption, SseMode


def _frozen(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True, repr=False)
class KmsWrappedKey:
    """A data key as KMS sealed it: the ciphertext blob, the KMS key's ARN and the encryption context
    S3 sent with it (Decrypt needs the same context again)."""

    blob: bytes
    key_arn: str
    context: Mapping[str, str] = field(default_factory=lambda: _frozen({}))

    def __repr__(self) -> str:
        return f"KmsWrappedKey({self.key_arn}, context={dict(self.context)})"


@dataclass(frozen=True, slots=True, repr=False)
class BucketKeyWrappedKey:
    """An object key derived from an S3 Bucket Key: the bucket key (shared by the bucket's objects for
    one period) and this object's salt."""

    bucket_key: KmsWrappedKey
    salt: bytes

    def __repr__(self) -> str:
        return f"BucketKeyWrappedKey({self.bucket_key!r})"


@dataclass(frozen=True, slots=True, repr=False)
class DsseWrappedKey:
    """The two data keys of a DSSE-KMS object: the inner and the outer layer's."""

    inner: KmsWrappedKey
    outer: KmsWrappedKey

    def __repr__(self) -> str:
        return f"DsseWrappedKey({self.inner.key_arn})"


KmsWrapped = KmsWrappedKey | BucketKeyWrappedKey | DsseWrappedKey
WrappedDataKey = WrappedKey | CustomerWrappedKey | KmsWrapped


@dataclass(frozen=True, slots=True, repr=False)
class Envelope:
    """What is stored beside an object's ciphertext to recover its data key (and, for a multipart
    object, to authenticate its ordered part list: ``parts_tag``; None for a single-part object)."""

    encryption: ObjectEncryption
    object_id: bytes
    wrapped: WrappedDataKey
    parts_tag: bytes | None = None

    @property
    def root_key_version(self) -> int | None:
        """The SSE-S3 root key version that wrapped the data key (None for other modes)."""
        return self.wrapped.root_version if isinstance(self.wrapped, WrappedKey) else None

    @property
    def customer_wrapped(self) -> bool:
        """True when only a customer-provided key opens this envelope (SSE-C)."""
        return isinstance(self.wrapped, CustomerWrappedKey)

    @property
    def kms_wrapped(self) -> bool:
        """True when opening this envelope calls KMS (SSE-KMS, DSSE-KMS)."""
        return isinstance(self.wrapped, KmsWrappedKey | BucketKeyWrappedKey | DsseWrappedKey)

    def __repr__(self) -> str:
        version = self.root_key_version
        if version is not None:
            where = f"root_version={version}"
        elif self.customer_wrapped:
            where = "customer key"
        else:
            where = repr(self.wrapped)
        return f"Envelope({self.encryption.mode.value}, {where})"


class Sealer:
    """Makes and opens object data keys for every SSE mode.

    ``kms`` is what S3 asks of KMS; without it (a bare sealer in a unit test) KMS modes are refused.
    """

    def __init__(self, keyring: RootKeyRing, entropy: Entropy, kms: S3Kms | None = None) -> None:
        self._keyring = keyring
        self._entropy = entropy
        self.kms = kms
        self._parts_key = PartListKey(entropy.bytes(KEY_SIZE))

    def bind_parts(self, envelope: Envelope, parts: Sequence[SealedPart]) -> Envelope:
        """``envelope`` with the tag of ``parts`` in this order: a completed multipart object's."""
        return dataclasses.replace(
            envelope, parts_tag=self._parts_key.tag(envelope.object_id, parts)
        )

    def check_parts(self, envelope: Envelope, parts: Sequence[SealedPart]) -> None:
        """Raise DecryptionError unless ``parts`` are the ones the object was stored with: the
        parts its envelope's tag names, in order, or the one part of a single-part object."""
        if envelope.parts_tag is not None:
            self._parts_key.check(envelope.object_id, parts, envelope.parts_tag)
        elif len(parts) != 1 or parts[0].part_number != 1:
            msg = f"a single-part object has {len(parts)} stored parts"
            raise DecryptionError(msg)

    def _aead(self, key: bytes) -> Aead:
        return Aead(key, self._entropy.bytes)

    def _require_kms(self) -> S3Kms:
        if self.kms is None:
            msg = "this sealer has no KMS: SSE-KMS and DSSE-KMS envelopes need one"
            raise S3SSEError(msg)
        return self.kms

    def new_object(
        self, encryption: ObjectEncryption, *, customer_key: CustomerKey | None = None
    ) -> tuple[Aead, Envelope]:
        """A fresh data key for one SSE-S3 or SSE-C object (or multipart upload).

        SSE-C needs ``customer_key`` (the validated key of this request); it is used to wrap and to
        fingerprint, then dropped. KMS modes go through :meth:`new_kms_object`.
        """
        drawn = self._entropy.bytes(16 + KEY_SIZE)  # one draw: the object id, then the data key
        object_id, data_key = drawn[:16], drawn[16:]
        wrapped: WrappedDataKey
        if encryption.mode is SseMode.SSE_S3 or encryption.mode is SseMode.NONE:
            # An unencrypted legacy object (NONE) is kept under the root key like SSE-S3: the
            # engine's own storage; it is reported, and checked at rest, as not encrypted.
            wrapped = self._keyring.wrap(data_key, object_id)
        elif encryption.mode is SseMode.SSE_C:
            if customer_key is None:
                msg = "an SSE-C envelope needs the customer key"
                raise S3SSEError(msg)
            wrapped = customer.wrap(data_key, customer_key.secret, object_id, self._entropy.bytes)
        else:
            msg = f"{encryption.mode.value} envelopes are made by new_kms_object"
            raise S3SSEError(msg)
        return self._aead(data_key), Envelope(encryption, object_id, wrapped)

    def new_kms_object(self, write: WriteEncryption, scope: KmsScope) -> tuple[Aead, Envelope]:
        """A fresh data key for one SSE-KMS or DSSE-KMS object, from KMS, before any byte is read.

        SSE-KMS: one GenerateDataKey (object-ARN context), or with a Bucket Key an object key derived
        from the held bucket key (GenerateDataKey with the bucket-ARN context only when none is held).
        DSSE-KMS: two GenerateDataKey calls, one per layer, never a Bucket Key (U: AWS does not
        document DSSE's calls; two independent data keys make the two layers independent).
        """
        kms = self._require_kms()
        key_ref = kms.key_ref(write.kms_key_id, scope)
        object_id = self._entropy.bytes(16)
        context = scope.encryption_context(write.context, bucket_key=write.bucket_key_enabled)
        frozen = _frozen(context)  # one read-only copy, shared by the envelope and its report
        aead: Aead
        wrapped: KmsWrapped
        if write.mode is SseMode.DSSE_KMS:
            inner_key, inner_blob, key_arn = kms.generate(key_ref, scope, context)
            outer_key, outer_blob, _ = kms.generate(key_ref, scope, context)
            aead = LayeredAead(self._aead(inner_key), self._aead(outer_key))
            wrapped = DsseWrappedKey(
                KmsWrappedKey(inner_blob, key_arn, frozen),
                KmsWrappedKey(outer_blob, key_arn, frozen),
            )
        elif write.bucket_key_enabled:
            held, key_arn = kms.bucket_key_for_write(key_ref, scope, context)
            salt = self._entropy.bytes(SALT_SIZE)
            aead = self._aead(object_key(held.plaintext, salt, object_id))
            wrapped = BucketKeyWrappedKey(KmsWrappedKey(held.blob, key_arn, frozen), salt)
        else:
            data_key, blob, key_arn = kms.generate(key_ref, scope, context)
            aead = self._aead(data_key)
            wrapped = KmsWrappedKey(blob, key_arn, frozen)
        encryption = ObjectEncryption(write.mode, key_arn, write.bucket_key_enabled, frozen)
        return aead, Envelope(encryption, object_id, wrapped)

    def matches(self, envelope: Envelope, customer_key: CustomerKey) -> bool:
        """True when ``customer_key`` opens ``envelope`` (by its fingerprint, never by decrypting)."""
        wrapped = envelope.wrapped
        return isinstance(wrapped, CustomerWrappedKey) and customer.matches(
            wrapped, customer_key.secret
        )

    def open(
        self,
        envelope: Envelope,
        *,
        customer_key: CustomerKey | None = None,
        kms: KmsScope | None = None,
    ) -> Aead:
        """The cipher of a stored object (raises DecryptionError if its wrapped key was altered).

        An SSE-C envelope needs ``customer_key``; callers check it with :meth:`matches` first, so a
        wrong key is S3's 403, not a decryption failure. A KMS envelope needs ``kms``, the scope of the
        request that reads it: S3 calls Decrypt as that requester (one per layer; none while a Bucket
        Key is held).
        """
        wrapped = envelope.wrapped
        if isinstance(wrapped, CustomerWrappedKey):
            if customer_key is None:
                msg = "an SSE-C envelope opens only with the customer key"
                raise S3SSEError(msg)
            data_key = customer.unwrap(
                wrapped, customer_key.secret, envelope.object_id, self._entropy.bytes
            )
            return self._aead(data_key)
        if isinstance(wrapped, WrappedKey):
            return self._aead(self._keyring.unwrap(wrapped, envelope.object_id))
        if kms is None:
            msg = "a KMS envelope opens only for a request (a KmsScope)"
            raise S3SSEError(msg)
        return self._open_kms(wrapped, envelope.object_id, kms)

    def open_at_rest(self, envelope: Envelope) -> Aead | None:
        """The cipher of a stored object for the test API's look at rest (``assert_no_plaintext_at_rest``),
        opened with the engine's own key material: no KMS call is made or recorded, no quota taken,
        and the Bucket Key cache is neither read nor filled (so what S3 calls later is unchanged).

        None when only someone else's key opens it: an SSE-C object (the customer's key, never kept)
        or a KMS object whose key was deleted. DecryptionError when a wrapped key was altered.
        """
        wrapped = envelope.wrapped
        if isinstance(wrapped, CustomerWrappedKey):
            return None
        if isinstance(wrapped, WrappedKey):
            return self._aead(self._keyring.unwrap(wrapped, envelope.object_id))
        service = self._require_kms().service

        def unseal(key: KmsWrappedKey) -> bytes | None:
            return service.unseal_at_rest(key.blob, key.context)

        if isinstance(wrapped, DsseWrappedKey):
            inner, outer = unseal(wrapped.inner), unseal(wrapped.outer)
            if inner is None or outer is None:
                return None
            return LayeredAead(self._aead(inner), self._aead(outer))
        if isinstance(wrapped, BucketKeyWrappedKey):
            bucket_key = unseal(wrapped.bucket_key)
            if bucket_key is None:
                return None
            return self._aead(object_key(bucket_key, wrapped.salt, envelope.object_id))
        data_key = unseal(wrapped)
        return None if data_key is None else self._aead(data_key)

    def rewrap(
        self,
        envelope: Envelope,
        *,
        source: KmsScope | None,
        target: KmsScope | None,
        replica_key: str | None,
    ) -> tuple[Envelope, tuple[Aead, Aead] | None]:
        """A replica's envelope (replication-behaviour.md 3.3, 3.4): the source's data key, unwrapped
        and wrapped again for the destination, so the ciphertext is copied as it is; or, when the
        replica gets a data key of its own (an S3 Bucket Key at the destination), the new envelope
        and the (source, replica) ciphers to re-encrypt the parts with (its ``parts_tag`` is then
        the caller's to bind).

        - SSE-C: the same envelope (only the customer's key opens it; S3 never had it);
        - SSE-S3: the data key wrapped again under the current root key (no KMS call);
        - SSE-KMS: Decrypt under the source key as ``source``'s requester, then Encrypt under
          ``replica_key`` with the destination object's ARN as ``aws:s3:arn`` (the requester's own
          context pairs kept); with a Bucket Key (kept, as the source had it: P, UG23 "Bucket Keys"
          example 1): the destination's bucket key (GenerateDataKey + Decrypt) and a new object key;
        - DSSE-KMS: both layers' keys, each Decrypt then Encrypt (U: AWS documents "the same type
          of encryption").
        """
        wrapped = envelope.wrapped
        if isinstance(wrapped, CustomerWrappedKey):
            return envelope, None
        if isinstance(wrapped, WrappedKey):
            data_key = self._keyring.unwrap(wrapped, envelope.object_id)
            under_root = self._keyring.wrap(data_key, envelope.object_id)
            return dataclasses.replace(envelope, wrapped=under_root), None
        if source is None or target is None or replica_key is None:
            msg = "a KMS envelope is rewrapped only for a replication (scopes and a replica key)"
            raise S3SSEError(msg)
        kms = self._require_kms()
        user = {
            k: v for k, v in envelope.encryption.encryption_context.items() if k != "aws:s3:arn"
        }
        encryption = envelope.encryption
        if isinstance(wrapped, BucketKeyWrappedKey):
            src_aead = self._open_kms(wrapped, envelope.object_id, source)
            context = target.encryption_context(user, bucket_key=True)
            key_ref = kms.key_ref(replica_key, target)
            held, key_arn = kms.bucket_key_for_replica(key_ref, target, context)
            salt = self._entropy.bytes(SALT_SIZE)
            dst_aead = self._aead(object_key(held.plaintext, salt, envelope.object_id))
            frozen = _frozen(context)
            new = BucketKeyWrappedKey(KmsWrappedKey(held.blob, key_arn, frozen), salt)
            replica = ObjectEncryption(encryption.mode, key_arn, True, frozen)
            return Envelope(replica, envelope.object_id, new), (src_aead, dst_aead)
        context = target.encryption_context(user, bucket_key=False)
        frozen = _frozen(context)

        def again(layer: KmsWrappedKey) -> KmsWrappedKey:
            data_key = kms.decrypt(layer.blob, source, layer.context)
            blob, key_arn = kms.encrypt(replica_key, data_key, target, context)
            return KmsWrappedKey(blob, key_arn, frozen)

        rewrapped: KmsWrapped
        if isinstance(wrapped, DsseWrappedKey):
            inner = again(wrapped.inner)
            rewrapped, key_arn = DsseWrappedKey(inner, again(wrapped.outer)), inner.key_arn
        else:
            single = again(wrapped)
            rewrapped, key_arn = single, single.key_arn
        replica = ObjectEncryption(encryption.mode, key_arn, False, frozen)
        return dataclasses.replace(envelope, encryption=replica, wrapped=rewrapped), None

    def _open_kms(self, wrapped: KmsWrapped, object_id: bytes, scope: KmsScope) -> Aead:
        kms = self._require_kms()
        if isinstance(wrapped, DsseWrappedKey):
            inner = kms.decrypt(wrapped.inner.blob, scope, wrapped.inner.context)
            outer = kms.decrypt(wrapped.outer.blob, scope, wrapped.outer.context)
            return LayeredAead(self._aead(inner), self._aead(outer))
        if isinstance(wrapped, BucketKeyWrappedKey):
            bucket_key = wrapped.bucket_key
            plaintext = kms.bucket_key_for_read(bucket_key.blob, scope, bucket_key.context)
            return self._aead(object_key(plaintext, wrapped.salt, object_id))
        return self._aead(kms.decrypt(wrapped.blob, scope, wrapped.context))
