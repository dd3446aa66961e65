"""Objects: the rules of PutObject, GetObject/HeadObject and DeleteObject(s) (:class:`ObjectService`),
on the typed requests the protocol edge (``s3/rest/objects.py``) builds.

The bytes go through :mod:`pytest_s3sse._internal.s3.pipeline` (streamed into the encryptor on a write,
decrypted window by window on a read), what a request may ask for is checked by
:mod:`pytest_s3sse._internal.s3.limits`, and the store is asked to look up and to commit (it alone takes its
lock, never while a body is encrypted). CopyObject (``copy.py``) and UploadPartCopy reuse the steps
here that open a source, decrypt it and commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.context import RequestContext
from pytest_s3sse._internal.entropy import Entropy
from pytest_s3sse._internal.errors import DecryptionError
from pytest_s3sse._internal.errors.s3 import (
    InvalidRequest,
    MethodNotAllowed,
    NoSuchKey,
    NoSuchVersion,
    S3Error,
)
from pytest_s3sse._internal.http import RequestBody, collect
from pytest_s3sse._internal.s3 import conditions, ranges
from pytest_s3sse._internal.s3.access import (
    DELETE_OBJECT,
    DELETE_OBJECT_VERSION,
    GET_OBJECT,
    GET_OBJECT_VERSION,
    LIST_BUCKET,
    S3Access,
)
from pytest_s3sse._internal.s3.limits import check_key, check_metadata, check_write_condition_values
from pytest_s3sse._internal.s3.pipeline import (
    EAGER_DECRYPT_LIMIT,
    Ingested,
    ingest,
    no_claims,
    plaintext,
    tampered,
)
from pytest_s3sse._internal.s3.records import Deleted, DeleteMarker, ObjectAttributes, StoredObject
from pytest_s3sse._internal.s3.store import Bucket, Store
from pytest_s3sse._internal.sse.envelope import Envelope
from pytest_s3sse._internal.sse.plan import ReadPlan, SsePlanner
from pytest_s3sse._internal.sse.rules import SseHeaders
from pytest_s3sse._internal.types import ChecksumAlgorithm, SseMode

# A write without an additional checksum gets S3's default, a full-object CRC64NVME (A, recorded AWS
# answers cited in issue 11; P, S3 user guide "Checking object integrity": "Amazon S3 uses the
# CRC-64/NVME checksum algorithm ... when you upload objects without a checksum").
DEFAULT_CHECKSUM = ChecksumAlgorithm.CRC64NVME
# D11 (A, LocalStack snapshot test_s3_copy_object_src_not_exists).
MSG_COPY_DELETE_MARKER = (
    "The source of a copy request may not specifically refer to a delete marker by version id."
)


def marker_headers(marker: DeleteMarker) -> dict[str, str]:
    """The headers S3 sends with an answer about a delete marker (D3, D4: A)."""
    return {"x-amz-delete-marker": "true", "x-amz-version-id": marker.version_id}


def marker_not_allowed(marker: DeleteMarker, method: str) -> MethodNotAllowed:
    """405 MethodNotAllowed for a request that names a delete marker by version id (D4: ``Method``,
    ``ResourceType: DeleteMarker``, the marker's headers with ``Allow: DELETE``, A; ``Last-Modified``,
    P; D6: the same for the tagging operations)."""
    err = MethodNotAllowed(method, "DeleteMarker")
    err.headers.update(marker_headers(marker))
    err.headers["allow"] = "DELETE"
    err.headers["last-modified"] = marker.last_modified.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return err


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
    version_id: str | None = None
    method: str = "GET"


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


class ObjectService:
    """PutObject, GetObject, HeadObject and DeleteObject(s) over the store, and the steps CopyObject
    and UploadPartCopy share with them (open a source, decrypt, commit)."""

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
        plain_md5 = mode is SseMode.SSE_S3 or mode is SseMode.NONE  # an unencrypted object: MD5
        return md5.hex() if plain_md5 and md5 is not None else self.entropy.hex(16)

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
            algorithm=request.checksum_algorithm or DEFAULT_CHECKSUM,
            claims=request.checksum_claims,
            etag_md5=plan.encryption.mode is SseMode.SSE_S3,
        )
        obj = self.single_part_object(bucket.name, request.key, got, envelope, request.attributes)
        return self.commit(obj, request.conditions)

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

    def commit(self, obj: StoredObject, cond: conditions.Conditions | None = None) -> StoredObject:
        """Store ``obj`` as the current version of its key (the bucket must still exist); the
        write conditions are checked again in the same locked step (:meth:`Store.commit`).
        Returns what was stored (with its version id)."""
        if cond is None or (cond.if_none_match is None and cond.if_match is None):
            return self.store.commit(obj)

        def check(current: StoredObject | None) -> None:
            conditions.check_write(cond, current.etag if current else None, obj.key)

        return self.store.commit(obj, check)

    # -- reads --------------------------------------------------------------------------------
    def lookup(self, bucket_name: str, key: str) -> StoredObject:
        """The current version of an object, or NoSuchBucket / NoSuchKey."""
        obj = self.store.current(bucket_name, key)
        if obj is None:
            raise NoSuchKey(key)
        return obj

    def readable(
        self,
        bucket_name: str,
        key: str,
        context: RequestContext | None,
        version_id: str | None = None,
        method: str = "GET",
    ) -> StoredObject:
        """The current version of an object (or version ``version_id``) its requester may read (the
        gate allowed s3:GetObject, or s3:GetObjectVersion): a missing key is 404 NoSuchKey only for
        a requester that may list the bucket (``s3:ListBucket``), 403 AccessDenied otherwise (E13,
        P: GetObject and HeadObject "Permissions"; the denial of s3:ListBucket, U for its text).

        A current delete marker is 404 NoSuchKey with the marker's headers (D3); a delete marker
        asked for by version id is 405 MethodNotAllowed with them and ``Allow: DELETE`` (D4, D5).
        """
        if version_id is not None:
            return self.version(bucket_name, key, version_id, method)
        obj = self.store.current(bucket_name, key)
        if obj is None:
            if context is not None:
                bucket = self.access.resource(bucket_name, None, context.region)
                self.access.check(context, LIST_BUCKET, bucket)
            err = NoSuchKey(key)
            latest = self.store.latest(bucket_name, key)
            if type(latest) is DeleteMarker:
                err.headers.update(marker_headers(latest))
            raise err
        return obj

    def version(self, bucket_name: str, key: str, version_id: str, method: str) -> StoredObject:
        """Version ``version_id`` of ``key``: InvalidArgument (E1, E2), NoSuchVersion (E3), or 405
        MethodNotAllowed for a delete marker (D4: ``Method``, ``ResourceType: DeleteMarker`` and
        the marker's headers with ``Allow: DELETE``, A; ``Last-Modified``, P)."""
        found = self.store.version(bucket_name, key, version_id)
        if isinstance(found, DeleteMarker):
            raise marker_not_allowed(found, method)
        return found

    def read(self, request: ReadRequest, *, with_body: bool) -> ReadResult:
        """GetObject (``with_body``) or HeadObject.

        The SSE-C key is checked before the conditions (U: no recording orders them), so a request
        without the right key learns nothing about the object from a 304 or a 412.
        """
        obj = self.readable(
            request.bucket, request.key, request.context, request.version_id, request.method
        )
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

    def copy_source(
        self,
        bucket_name: str,
        key: str,
        context: RequestContext | None,
        version_id: str | None = None,
    ) -> StoredObject:
        """The source of a copy (CopyObject, UploadPartCopy): reading it is an action of its own,
        ``s3:GetObject`` on the source object (``s3:GetObjectVersion`` for a version named by id:
        E14, P), asked before the source is looked up, so a requester that may not read it learns
        nothing of whether it exists. A current delete marker is NoSuchKey (D10); a delete marker
        named by version id is 400 InvalidRequest (D11)."""
        if context is not None:
            resource = self.access.resource(bucket_name, key, context.region)
            action = GET_OBJECT if version_id is None else GET_OBJECT_VERSION
            self.access.check(context, action, resource)
        if version_id is None:
            return self.lookup(bucket_name, key)
        found = self.store.version(bucket_name, key, version_id)
        if isinstance(found, DeleteMarker):
            raise InvalidRequest(MSG_COPY_DELETE_MARKER)
        return found

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
        :class:`~pytest_s3sse._internal.http.ChunkReader` reads either.
        """
        try:
            chunks = plaintext(plan.open_parts(obj.parts), obj.parts, start, stop)
            if stop - start <= EAGER_DECRYPT_LIMIT:
                # One buffer, not a list of segments: the object is in memory once, not twice.
                return collect(chunks, stop - start)
        except DecryptionError as exc:
            raise tampered(obj, exc) from exc
        return chunks

    # -- deletes ------------------------------------------------------------------------------
    def delete(
        self,
        bucket_name: str,
        key: str,
        if_match: str | None = None,
        version_id: str | None = None,
    ) -> Deleted:
        """DeleteObject: removes the key if present; deleting a missing key succeeds.

        With ``If-Match`` (S3's conditional deletes, 2024) the key is removed only while its current
        ETag matches, checked in the same locked step as the removal: 412 PreconditionFailed naming
        ``If-Match`` otherwise (A, LocalStack snapshot test_delete_object_if_match_non_express), and
        404 NoSuchKey for a key that is not there (U: as a conditional write, section 5c).
        """
        now = self.clock.now()
        if if_match is None:
            return self.store.delete(bucket_name, key, version_id, now)

        def check(current: StoredObject | None) -> None:
            conditions.check_write(
                conditions.Conditions(if_match=if_match), current.etag if current else None, key
            )

        return self.store.delete(bucket_name, key, version_id, now, check)

    def delete_many(
        self,
        bucket_name: str,
        keys: list[tuple[str, str | None]],
        context: RequestContext | None,
    ) -> list[tuple[str, str | None, Deleted | S3Error]]:
        """DeleteObjects: each (key, version id) is deleted if its requester may
        (``s3:DeleteObject``, or ``s3:DeleteObjectVersion`` with a version id, on it, asked key by
        key), and answered with its own error otherwise. A version id never issued is NoSuchVersion
        here (E4, A: LocalStack snapshots test_delete_objects and test_delete_objects_versioned)."""
        results: list[tuple[str, str | None, Deleted | S3Error]] = []
        for key, version_id in keys:
            try:
                if context is not None:
                    resource = self.access.resource(bucket_name, key, context.region)
                    action = DELETE_OBJECT if version_id is None else DELETE_OBJECT_VERSION
                    self.access.check(context, action, resource)
                try:
                    done = self.delete(bucket_name, key, version_id=version_id)
                except S3Error as err:
                    if err.code != "InvalidArgument" or version_id is None:
                        raise
                    raise NoSuchVersion(key, version_id) from None
            except S3Error as err:
                results.append((key, version_id, err))
            else:
                results.append((key, version_id, done))
        return results
