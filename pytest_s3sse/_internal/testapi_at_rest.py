"""The test API's look at rest: objects as stored (their encryption and ciphertext, never their
plaintext), the encryption assertions and report, tampering, and seeding legacy unencrypted objects
(the methods of :class:`~pytest_s3sse._internal.testapi.S3SSE` that read ``engine.store``;
docs/assertions.md)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace

from pytest_s3sse._internal.assertions import (
    S3SSEAssertionError,
    StoredView,
    check_all_encrypted,
    check_encrypted,
    check_no_plaintext,
    needle_bytes,
    object_name,
    scan_ciphertext,
    scan_clear,
)
from pytest_s3sse._internal.crypto.segments import SealedPart, seal_bytes
from pytest_s3sse._internal.errors import (
    DecryptionError,
    KmsKeyNotFoundError,
    ObjectNotFoundError,
)
from pytest_s3sse._internal.errors.s3 import NoSuchBucket, S3Error
from pytest_s3sse._internal.reports import EncryptionReport, encryption_report
from pytest_s3sse._internal.s3.records import ObjectAttributes, StoredObject
from pytest_s3sse._internal.sse.customer import check_customer_key
from pytest_s3sse._internal.testapi_kms import KmsQueries
from pytest_s3sse._internal.types import ObjectEncryption, SseMode


class AtRest(KmsQueries):
    """Stored objects, their encryption, and what is at rest, over :attr:`engine`."""

    def put_unencrypted(
        self,
        bucket: str,
        key: str,
        body: bytes | str,
        *,
        content_type: str = "binary/octet-stream",
        metadata: Mapping[str, str] | None = None,
    ) -> str:
        """Store ``body`` (text as UTF-8) at ``key`` as S3 stored objects before 2023-01-05 when no
        encryption was asked for: not encrypted (mode ``NONE``; S3 Inventory's ``NOT-SSE``; no
        ``x-amz-server-side-encryption`` on GET and HEAD; its ETag the MD5 of the body). No request
        can write one since (P, S3 user guide "Default encryption FAQ"), so tests of legacy data
        seed them here. It is committed as a write is: the bucket's versioning gives it a version
        (returned: ``null`` unless versioning is Enabled), a replication rule selects it (its replica
        takes the destination's default encryption), reports and ``assert_no_plaintext_at_rest``
        see it. No request is recorded."""
        data = body.encode() if isinstance(body, str) else bytes(body)
        engine = self.engine
        aead, envelope = engine.sealer.new_object(ObjectEncryption(SseMode.NONE))
        attributes = ObjectAttributes(content_type=content_type, metadata=dict(metadata or {}))
        obj = StoredObject(
            bucket=bucket,
            key=key,
            size=len(data),
            etag=hashlib.md5(data).hexdigest(),  # noqa: S324 - S3's ETag
            last_modified=engine.clock.now(),
            attributes=attributes,
            envelope=envelope,
            parts=(seal_bytes(aead, data),),
        )
        stored = engine.objects.commit(obj)
        if engine.replicator.immediate:
            engine.replicate()
        return stored.version_id

    def _object(self, bucket: str, key: str, version_id: str | None = None) -> StoredObject:
        __tracebackhide__ = True
        obj: object = None
        try:
            if version_id is None:
                obj = self.engine.store.current(bucket, key)
                where = "no such key"
            else:
                obj = self.engine.store.version(bucket, key, version_id)
                where = "a delete marker"
        except NoSuchBucket:
            where = "bucket does not exist"
        except S3Error:
            where = f"no version {version_id}"
        if not isinstance(obj, StoredObject):
            version = "" if version_id is None else f" version {version_id}"
            msg = f"s3://{bucket}/{key}{version} is not stored ({where})"
            raise ObjectNotFoundError(msg)
        return obj

    def stored(self, bucket: str, key: str, version_id: str | None = None) -> StoredView:
        """The object (its current version, or version ``version_id``) as it is at rest: mode,
        key ARN, context and ciphertext."""
        __tracebackhide__ = True
        return self._view(self._object(bucket, key, version_id))

    def _view(self, obj: StoredObject) -> StoredView:
        enc = obj.encryption
        return StoredView(
            bucket=obj.bucket,
            key=obj.key,
            mode=enc.mode.value,
            kms_key_arn=enc.kms_key_arn,
            bucket_key_enabled=enc.bucket_key_enabled,
            encryption_context=dict(enc.encryption_context),
            size=obj.size,
            etag=obj.etag,
            version_id=obj.version_id,
            root_key_version=obj.envelope.root_key_version,
            _segments=tuple(s for part in obj.parts for s in part.segments),
            replication_status=obj.replication_status,
            tags=dict(obj.attributes.tags),
        )

    def assert_encrypted(
        self,
        bucket: str,
        key: str,
        mode: SseMode | str | None = None,
        kms_key: str | None = None,
        *,
        version_id: str | None = None,
    ) -> StoredView:
        """Assert the object (its current version, or ``version_id``) is stored encrypted (in
        ``mode``, under ``kms_key``); returns its view.

        ``kms_key`` takes every form :meth:`kms_call_count` takes (key id, key ARN, alias name, alias
        ARN, ``alias/aws/s3``). A failure says which key was found, in words."""
        __tracebackhide__ = True
        view = self.stored(bucket, key, version_id)
        if kms_key is None:
            check_encrypted(view, mode)
        else:
            arn = self._known_key_arn(kms_key)
            found = None if view.kms_key_arn == arn else self._key_in_words(view.kms_key_arn)
            check_encrypted(view, mode, kms_key, kms_key_arn=arn, found_key=found)
        return view

    def assert_readable_only_with(
        self, bucket: str, key: str, customer_key: bytes | str
    ) -> StoredView:
        """Assert the object is SSE-C, opens with ``customer_key`` (raw bytes, or text as boto3's
        ``SSECustomerKey`` takes it) and with no other key; returns its view.

        "No other key" holds by construction and is checked as such: the data key is wrapped only
        under a key derived from the customer key (no root or KMS wrapping exists), and the stored
        fingerprint rejects keys that differ from it in a single bit.
        """
        __tracebackhide__ = True
        view = self.assert_encrypted(bucket, key, mode=SseMode.SSE_C)
        secret = customer_key.encode() if isinstance(customer_key, str) else bytes(customer_key)
        obj = self._object(bucket, key)
        problem = check_customer_key(self.engine.sealer, obj.envelope, obj.parts, secret)
        if problem is not None:
            raise S3SSEAssertionError(f"s3://{bucket}/{key} {problem}\n  actual: {view.describe()}")
        return view

    def tamper(self, bucket: str, key: str, *, offset: int = 0) -> None:
        """Flip one bit of the stored ciphertext at ``offset`` (simulated corruption at rest).

        ``offset`` counts from the first stored byte; one outside ``0 <= offset < bytes at rest`` is a
        ValueError (a negative one is not counted from the end).
        """
        obj = self._object(bucket, key)
        if offset < 0:
            msg = f"offset must be 0 or more, got {offset}"
            raise ValueError(msg)
        parts = list(obj.parts)
        for p_index, part in enumerate(parts):
            for s_index, segment in enumerate(part.segments):
                if offset < len(segment):
                    flipped = bytearray(segment)
                    flipped[offset] ^= 0x01
                    segments = list(part.segments)
                    segments[s_index] = bytes(flipped)
                    parts[p_index] = SealedPart(part.part_number, part.size, tuple(segments))
                    self.engine.store.replace(replace(obj, parts=tuple(parts)))
                    return
                offset -= len(segment)
        msg = f"offset is beyond the {sum(p.stored_size for p in obj.parts)} bytes at rest"
        raise ValueError(msg)

    def assert_all_objects_encrypted_with(
        self, mode: SseMode | str, kms_key: str | None = None, *, bucket: str | None = None
    ) -> None:
        """Assert every stored object (of ``bucket``, or of every bucket) is encrypted in ``mode``
        (under ``kms_key``, any form :meth:`kms_call_count` takes). The failure lists each object
        that is not, with its encryption."""
        __tracebackhide__ = True
        arn = self._known_key_arn(kms_key) if kms_key is not None else None
        views = [self._view(obj) for obj in self.engine.store.snapshot(bucket)]
        check_all_encrypted(views, mode, arn, kms_key)

    def assert_no_plaintext_at_rest(self, *needles: bytes | str, bucket: str | None = None) -> None:
        """Assert that no stored object (of ``bucket``, or of every bucket; every version) holds its
        plaintext at rest, and that no ``needle`` (bytes, or text as UTF-8) is stored anywhere.

        Each object is decrypted inside the engine with its own key material (no KMS call is made or
        recorded, no quota or Bucket Key cache touched) and each 64 KiB segment's plaintext is
        searched for in that segment's stored bytes. SSE-C objects cannot be decrypted without the
        customer's key, which the engine never keeps: they are checked by construction (wrapped only
        under the customer key, every segment the size of a sealed one), and so are objects whose
        KMS key was deleted. Needles are searched for in every object's bytes at rest and in what S3
        keeps in clear beside them: the key, user metadata, the standard headers and the encryption
        context (SSE does not encrypt them, on AWS either). The failure names each object, where
        (ciphertext or which field) and the offset. Parts of multipart uploads in progress are at
        rest too, and are looked at the same way."""
        __tracebackhide__ = True
        wanted = needle_bytes(needles)
        sealer = self.engine.sealer
        items = [(object_name(obj), obj, True) for obj in self.engine.store.snapshot(bucket)]
        items += self._uploads_at_rest(bucket)
        findings: dict[str, list[str]] = {}
        opaque = 0
        for name, obj, whole in items:
            found = scan_clear(obj, wanted)
            if obj.encryption.mode is SseMode.NONE:
                found.append(
                    "stored unencrypted (mode NONE: a legacy object written before S3 encrypted "
                    "every object, s3sse.put_unencrypted): its bytes are at rest in clear"
                )
                findings[name] = found
                continue
            try:
                aead = sealer.open_at_rest(obj.envelope)
                if aead is not None and whole:
                    sealer.check_parts(obj.envelope, obj.parts)
                opaque += aead is None
                found += scan_ciphertext(obj, aead, wanted)
            except DecryptionError as err:
                found.append(
                    f"ciphertext: does not open under its own key material ({err}): altered at "
                    "rest (s3sse.tamper?), so what it holds cannot be checked"
                )
            if found:
                findings[name] = found
        check_no_plaintext(findings, len(items), opaque)

    def _uploads_at_rest(self, bucket: str | None) -> list[tuple[str, StoredObject, bool]]:
        """Each multipart upload in progress as an object of its uploaded parts (their ciphertext is
        at rest too), named as such; False: no part-list tag to check yet."""
        store = self.engine.store
        names = [b.name for b in store.buckets()] if bucket is None else [bucket]
        found = []
        for name in names:
            for upload in store.uploads(name):
                try:
                    _, parts = store.parts(name, upload.key, upload.upload_id)
                except S3Error:  # completed or aborted meanwhile: it is an object now, or nothing
                    continue
                sealed = tuple(sorted((p.sealed for p in parts), key=lambda p: p.part_number))
                obj = StoredObject(
                    bucket=name,
                    key=upload.key,
                    size=sum(p.size for p in sealed),
                    etag="",
                    last_modified=upload.initiated,
                    attributes=upload.attributes,
                    envelope=upload.envelope,
                    parts=sealed,
                )
                label = f"s3://{name}/{upload.key} upload {upload.upload_id} in progress"
                found.append((f"{label} ({upload.encryption.mode.value})", obj, False))
        return found

    def encryption_report(
        self, bucket: str | None = None, *, kms_key_arns: Sequence[str] | None = None
    ) -> EncryptionReport:
        """Every stored object's encryption in S3 Inventory's fields (Bucket, Key, VersionId,
        IsLatest, EncryptionStatus, BucketKeyStatus ... plus KMSKeyArn, which Inventory lacks), and
        each bucket's verdict under AWS Config's ``s3-bucket-server-side-encryption-enabled`` and
        ``s3-default-encryption-kms`` (``kms_key_arns``: that rule's parameter). ``.rows`` are
        dicts; ``.csv()`` and ``.table()`` render them (docs/assertions.md)."""
        store = self.engine.store
        buckets = store.buckets() if bucket is None else [store.bucket(bucket)]

        def resolve(key: str) -> str | None:
            try:
                return self._known_key_arn(key)
            except KmsKeyNotFoundError:
                return None

        return encryption_report(
            store.versions_snapshot(bucket),
            buckets,
            kms_key_arns=kms_key_arns,
            resolve_key=resolve,
        )
