"""Objects: write (PutObject), read (GetObject/HeadObject), delete and copy.

Bodies stream: a write reads the request body in chunks straight into the segment encryptor and the
hashers, and a read decrypts only the segments its range touches. The store lock is held only to look
up and to commit, never while encrypting.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_s3sse import arn
from pytest_s3sse.clock import Clock
from pytest_s3sse.context import RequestContext
from pytest_s3sse.crypto.aead import Aead
from pytest_s3sse.crypto.segments import SealedPart, SegmentWriter, open_range
from pytest_s3sse.entropy import Entropy
from pytest_s3sse.errors import DecryptionError
from pytest_s3sse.errors.s3 import (
    InternalError,
    InvalidRequest,
    KeyTooLong,
    MetadataTooLarge,
    NoSuchKey,
    NotImplementedS3,
    S3Error,
)
from pytest_s3sse.http import RequestBody, collect
from pytest_s3sse.s3 import checksums, conditions, ranges
from pytest_s3sse.s3.access import DELETE_OBJECT, GET_OBJECT, S3Access
from pytest_s3sse.s3.store import (
    Bucket,
    Checksum,
    ObjectAttributes,
    Store,
    StoredObject,
)
from pytest_s3sse.sse.envelope import Envelope
from pytest_s3sse.sse.plan import ReadPlan, SsePlanner
from pytest_s3sse.sse.rules import SseHeaders
from pytest_s3sse.types import ChecksumAlgorithm, SseMode

READ_CHUNK = 1024 * 1024
EAGER_DECRYPT_LIMIT = 4 * 1024 * 1024
MAX_KEY_BYTES = 1024
MAX_METADATA_BYTES = 2048

# K1 (A, LocalStack snapshot test_s3_copy_object_in_place; moto CopyObjectMustChangeSomething).
MSG_COPY_TO_SELF = (
    "This copy request is illegal because it is trying to copy an object to itself without changing "
    "the object's metadata, storage class, website redirect location or encryption attributes."
)


def no_claims() -> Mapping[ChecksumAlgorithm, str]:
    return {}


@dataclass(frozen=True, slots=True)
class WriteRequest:
    """A new object's bytes-independent inputs.

    ``context`` is the request's (who, over TLS or not, SigV4 or not: SSE-C and SSE-KMS rules read
    it, and S3 calls KMS as its principal); None acts as the bucket owner (the domain used directly).
    """

    bucket: str
    key: str
    attributes: ObjectAttributes = field(default_factory=ObjectAttributes)
    sse: SseHeaders = field(default_factory=SseHeaders)
    content_md5: str | None = None
    checksum_algorithm: ChecksumAlgorithm | None = None
    checksum_claims: Callable[[], Mapping[ChecksumAlgorithm, str]] = no_claims
    conditions: conditions.Conditions = field(default_factory=conditions.Conditions)
    context: RequestContext | None = None


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """What a GetObject/HeadObject asks for (``context`` as in :class:`WriteRequest`;
    ``checksum_mode``: HEAD's ``x-amz-checksum-mode: ENABLED``, which needs KMS for an SSE-KMS
    object)."""

    bucket: str
    key: str
    sse: SseHeaders = field(default_factory=SseHeaders)
    conditions: conditions.Conditions = field(default_factory=conditions.Conditions)
    range: str | None = None
    part_number: int | None = None
    context: RequestContext | None = None
    checksum_mode: bool = False


@dataclass(slots=True)
class ReadResult:
    """A read: the object, the byte window served and (for GET) the plaintext chunks."""

    obj: StoredObject
    start: int
    stop: int
    partial: bool
    body: bytes | Iterator[bytes] = b""

    @property
    def length(self) -> int:
        """Bytes served."""
        return self.stop - self.start


@dataclass(frozen=True, slots=True)
class Ingested:
    """What reading a body produced: its sealed part, size and digests."""

    part: SealedPart
    md5: bytes | None  # None when nothing needed it (not SSE-S3, no Content-MD5)
    checksum: Checksum | None


def _unsupported_condition(header: str, detail: str) -> NotImplementedS3:
    return NotImplementedS3(extra={"Header": header, "additionalMessage": detail})


def check_write_condition_values(cond: conditions.Conditions) -> None:
    """Conditional writes take ``If-None-Match: *`` or ``If-Match: <etag>``, not both (501 otherwise).

    A, LocalStack snapshots test_put_object_if_none_match_validation, test_put_object_if_match_validation
    and test_put_object_if_match_and_if_none_match_validation (docs/_research/s3-errors.md rows 128-132).
    """
    if cond.if_match is not None and cond.if_none_match is not None:
        raise _unsupported_condition(
            "If-Match,If-None-Match", "Multiple conditional request headers present in the request"
        )
    if cond.if_none_match is not None and cond.if_none_match.strip() != "*":
        raise _unsupported_condition(
            "If-None-Match",
            "We don't accept the provided value of If-None-Match header for this API",
        )
    if cond.if_match is not None and cond.if_match.strip() == "*":
        raise _unsupported_condition(
            "If-Match", "We don't accept the provided value of If-Match header for this API"
        )


def check_key(key: str) -> None:
    """S3 keys are at most 1024 bytes of UTF-8 (KeyTooLongError)."""
    if len(key.encode()) > MAX_KEY_BYTES:
        raise KeyTooLong(
            extra={"Size": str(len(key.encode())), "MaxSizeAllowed": str(MAX_KEY_BYTES)}
        )


def check_metadata(metadata: Mapping[str, str]) -> None:
    """User metadata is limited to 2 KB (MetadataTooLarge)."""
    size = sum(len(k.encode()) + len(v.encode()) for k, v in metadata.items())
    if size > MAX_METADATA_BYTES:
        raise MetadataTooLarge(extra={"Size": str(size), "MaxSizeAllowed": str(MAX_METADATA_BYTES)})


class _BackgroundHash:
    """Feeds a hash (the MD5 of a write), in a worker thread when the body is big.

    MD5 is the slowest step of a large write (~700 MB/s; AES-GCM and CRC32 run at several GB/s) and
    hashlib releases the GIL, so the MD5 of one chunk overlaps the framing, checksum and encryption
    of the next: a 64 MiB PutObject saves ~40 ms on two cores. Chunks are immutable bytes, fed in
    order through a queue; the worker is joined before the digest is read, also on errors.
    """

    def __init__(self, hash_: Any, *, threaded: bool) -> None:
        self._hash = hash_
        self._queue: queue.SimpleQueue[bytes | None] | None = None
        self._thread: threading.Thread | None = None
        if threaded:
            self._queue = queue.SimpleQueue()
            self._thread = threading.Thread(target=self._run, name="s3sse-md5", daemon=True)

    @classmethod
    def over(cls, hash_: Any, *, big: bool) -> _BackgroundHash:
        """A feeder of ``hash_`` (None: nothing to hash), threaded when the body is ``big``."""
        return cls(hash_, threaded=big and hash_ is not None)

    def _run(self) -> None:
        assert self._queue is not None
        while (chunk := self._queue.get()) is not None:
            self._hash.update(chunk)

    def update(self, chunk: bytes) -> None:
        """Hash ``chunk`` (now, or queued for the worker)."""
        if self._queue is not None:
            self._queue.put(chunk)
        elif self._hash is not None:
            self._hash.update(chunk)

    def __enter__(self) -> _BackgroundHash:
        if self._thread is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread is not None and self._queue is not None:
            self._queue.put(None)
            self._thread.join()


def ingest(
    body: RequestBody,
    aead: Aead,
    part_number: int,
    *,
    content_md5: str | None,
    algorithm: ChecksumAlgorithm | None,
    claims: Callable[[], Mapping[ChecksumAlgorithm, str]],
    etag_md5: bool = True,
) -> Ingested:
    """Read ``body`` to its end into the encryptor and hashers, then check the digests it claims.

    The MD5 is computed only when something reads it: the ETag (``etag_md5``: SSE-S3) or a
    Content-MD5 to check. A body of more than one chunk is hashed in a worker thread (see
    :class:`_BackgroundHash`).
    """
    expected_md5 = checksums.parse_content_md5(content_md5)
    writer = SegmentWriter(aead, part_number)
    md5 = hashlib.md5() if etag_md5 or expected_md5 is not None else None  # noqa: S324 - S3's ETag
    hasher = checksums.new_hasher(algorithm) if algorithm is not None else None
    chunk = body.read(READ_CHUNK)
    with _BackgroundHash.over(md5, big=len(chunk) >= READ_CHUNK) as background:
        while chunk:
            background.update(chunk)
            writer.write(chunk)
            if hasher is not None:
                hasher.update(chunk)
            chunk = body.read(READ_CHUNK)
    claimed = checksums.parse_claims(claims())
    digest = md5.digest() if md5 is not None else None
    if digest is not None:
        checksums.check_md5(expected_md5, digest, content_md5)
    for claimed_algorithm in claimed:
        if claimed_algorithm is not algorithm:
            # A (reported), versity/versitygw#1598: S3's answer to a mismatched SDK algorithm.
            raise InvalidRequest("Value for x-amz-sdk-checksum-algorithm header is invalid.")
    checksum = None
    if hasher is not None and algorithm is not None:
        actual = hasher.digest()
        if algorithm in claimed:
            checksums.check_claim(algorithm, claimed[algorithm], actual)
        checksum = Checksum(algorithm, checksums.encode(actual))
    return Ingested(writer.close(), digest, checksum)


def tampered(obj: StoredObject, exc: DecryptionError) -> InternalError:
    """S3's InternalError for a read of ``obj`` whose stored ciphertext fails authentication (raised
    before a small object is answered; a streamed one raises DecryptionError from its body)."""
    return InternalError(
        f"pytest-s3sse: the stored ciphertext of s3://{obj.bucket}/{obj.key} failed "
        f"authentication ({exc}); it was tampered with or corrupted"
    )


def plaintext(aead: Aead, parts: tuple[SealedPart, ...], start: int, stop: int) -> Iterator[bytes]:
    """The plaintext of ``[start, stop)`` across parts, decrypted segment by segment."""
    offset = 0
    for part in parts:
        end = offset + part.size
        if end > start and offset < stop:
            yield from open_range(aead, part, max(start - offset, 0), min(stop, end) - offset)
        elif part.size == 0 and start == stop == 0 and offset == 0:
            yield from open_range(aead, part, 0, 0)
        offset = end
        if offset >= stop and part.size:
            break


class ObjectService:
    """PutObject, GetObject, HeadObject, DeleteObject(s) and CopyObject over the store."""

    def __init__(
        self, store: Store, sse: SsePlanner, clock: Clock, entropy: Entropy, access: S3Access
    ) -> None:
        self.store = store
        self.sse = sse
        self.access = access
        self.clock = clock
        self.entropy = entropy

    def etag(self, mode: SseMode, md5: bytes | None) -> str:
        """The ETag of a single-request object or of a part.

        It is the MD5 of the plaintext for SSE-S3, and 32 hex digits that are *not* the MD5 for
        SSE-C and SSE-KMS: different on every write of the same bytes with the same key (reference
        section 5.2, P and A). DSSE-KMS is U; the same is proposed. Random digits do exactly that.
        """
        return md5.hex() if mode is SseMode.SSE_S3 and md5 is not None else self.entropy.hex(16)

    # -- writes -------------------------------------------------------------------------------
    def put(self, request: WriteRequest, body: RequestBody) -> StoredObject:
        """PutObject: encrypt the body under a fresh data key and store it."""
        bucket = self.store.bucket(request.bucket)
        check_key(request.key)
        check_metadata(request.attributes.metadata)
        plan = self.sse.write(bucket, request.key, request.sse, request.context)
        self.check_write_conditions(bucket, request.key, request.conditions)
        aead, envelope = plan.seal()
        got = ingest(
            body,
            aead,
            1,
            content_md5=request.content_md5,
            algorithm=request.checksum_algorithm,
            claims=request.checksum_claims,
            etag_md5=plan.encryption.mode is SseMode.SSE_S3,
        )
        obj = self.single_part_object(bucket.name, request.key, got, envelope, request.attributes)
        self.commit(obj, request.conditions)
        return obj

    def single_part_object(
        self,
        bucket: str,
        key: str,
        got: Ingested,
        envelope: Envelope,
        attributes: ObjectAttributes,
    ) -> StoredObject:
        """The object a single-request write (PutObject, CopyObject) stores: its one part, written
        now, with the ETag of its encryption mode."""
        return StoredObject(
            bucket=bucket,
            key=key,
            size=got.part.size,
            etag=self.etag(envelope.encryption.mode, got.md5),
            last_modified=self.clock.now(),
            attributes=attributes,
            envelope=envelope,
            parts=(got.part,),
            checksum=got.checksum,
        )

    def check_write_conditions(self, bucket: Bucket, key: str, cond: conditions.Conditions) -> None:
        """Refuse a conditional write early, before its body is encrypted; :meth:`commit` decides
        again, atomically, when the object is stored."""
        if cond.if_none_match is None and cond.if_match is None:
            return
        check_write_condition_values(cond)
        current = self.store.current(bucket.name, key)
        conditions.check_write(cond, current.etag if current else None, key)

    def commit(self, obj: StoredObject, cond: conditions.Conditions | None = None) -> None:
        """Store ``obj`` as the current version of its key (the bucket must still exist); the
        write conditions are checked again in the same locked step (:meth:`Store.commit`)."""
        if cond is None or (cond.if_none_match is None and cond.if_match is None):
            self.store.commit(obj)
            return

        def check(current: StoredObject | None) -> None:
            conditions.check_write(cond, current.etag if current else None, obj.key)

        self.store.commit(obj, check)

    # -- reads --------------------------------------------------------------------------------
    def lookup(self, bucket_name: str, key: str) -> StoredObject:
        """The current version of an object, or NoSuchBucket / NoSuchKey."""
        obj = self.store.current(bucket_name, key)
        if obj is None:
            raise NoSuchKey(key)
        return obj

    def read(self, request: ReadRequest, *, with_body: bool) -> ReadResult:
        """GetObject (``with_body``) or HeadObject.

        The SSE-C key is checked before the conditions (U: no recording orders them), so a request
        without the right key learns nothing about the object from a 304 or a 412.
        """
        obj = self.lookup(request.bucket, request.key)
        plan = self.sse.read(
            obj.envelope, self.store.bucket(obj.bucket), obj.key, request.sse, request.context
        )
        if request.conditions.any:
            conditions.evaluate(
                request.conditions, obj.etag, obj.last_modified, now=self.clock.now()
            )
        window = ranges.resolve(request.range, obj.size)
        start, stop = window if window is not None else (0, obj.size)
        result = ReadResult(obj, start, stop, partial=window is not None)
        if with_body:
            result.body = self.decrypt(obj, plan, start, stop)
        elif request.checksum_mode and plan.calls_kms:
            # HeadObject makes no KMS call (P, reference section 3), except with checksum mode, which
            # needs kms:Decrypt (P, HeadObject doc): modelled as the Decrypt a GET makes.
            plan.open()
        return result

    def source_plan(
        self,
        source: StoredObject,
        headers: SseHeaders,
        context: RequestContext | None,
    ) -> ReadPlan:
        """The plan that opens a copy source (CopyObject, UploadPartCopy), from its
        ``x-amz-copy-source-server-side-encryption-customer-*`` trio: R13 without it for an SSE-C
        source, R14 with the wrong key, R15 with another algorithm, K12 with one for a source that
        is not SSE-C (reference sections 3 and 8)."""
        bucket = self.store.bucket(source.bucket)
        if context is not None:  # reading the source is an action of its own (s3:GetObject)
            resource = arn.s3_object(source.bucket, source.key, context.region)
            self.access.check(context, GET_OBJECT, resource)
        return self.sse.read(
            source.envelope, bucket, source.key, headers, context, copy_source=True
        )

    def decrypt(
        self, obj: StoredObject, plan: ReadPlan, start: int, stop: int
    ) -> bytes | Iterator[bytes]:
        """Plaintext of ``obj[start:stop]``, opened by ``plan`` (S3 calls KMS as the requester of
        the plan's request for a KMS object).

        A window up to 4 MiB is decrypted before anything is answered, into one buffer (bytes), so
        tampering becomes an error response; a larger one streams (an iterator of chunks), and
        tampering raises DecryptionError from the body's read. A
        :class:`~pytest_s3sse.http.ChunkReader` reads either.
        """
        try:
            chunks = plaintext(plan.open(), obj.parts, start, stop)
            if stop - start <= EAGER_DECRYPT_LIMIT:
                # One buffer, not a list of segments: the object is in memory once, not twice.
                return collect(chunks, stop - start)
        except DecryptionError as exc:
            raise tampered(obj, exc) from exc
        return chunks

    # -- deletes ------------------------------------------------------------------------------
    def delete(self, bucket_name: str, key: str) -> StoredObject | None:
        """DeleteObject: removes the key if present; deleting a missing key succeeds."""
        return self.store.remove(bucket_name, key)

    def delete_many(
        self, bucket_name: str, keys: list[str], context: RequestContext | None
    ) -> list[tuple[str, S3Error | None]]:
        """DeleteObjects: each key is deleted if its requester may (``s3:DeleteObject`` on it, asked
        key by key), and answered with its own error otherwise."""
        results: list[tuple[str, S3Error | None]] = []
        for key in keys:
            try:
                if context is not None:
                    resource = arn.s3_object(bucket_name, key, context.region)
                    self.access.check(context, DELETE_OBJECT, resource)
                self.delete(bucket_name, key)
            except S3Error as err:
                results.append((key, err))
            else:
                results.append((key, None))
        return results
