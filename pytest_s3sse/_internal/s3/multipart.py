"""Multipart uploads: the rules of Create, UploadPart(Copy), Complete, Abort, ListParts and
ListMultipartUploads, on typed values (the protocol edge is ``s3/rest/multipart.py``).

Encryption: an upload gets its data key once, at Create, from the same bucket-default and header rules as
PutObject, and keeps it only wrapped in its envelope. Each part opens that envelope and seals its body with
PutObject's segment encryptor (random nonce per segment; the associated data binds the part number), so
Complete re-encrypts nothing: the object's parts *are* the uploaded ciphertexts, in the order the request
lists them, keeping the numbers they were uploaded with (decryption needs them); what Complete adds is
a tag of that ordered part list in the object's envelope (:mod:`pytest_s3sse._internal.crypto.manifest`),
so a read of stored parts reordered, dropped or replaced fails as tampering does. Opening the envelope per
part, rather than keeping a cipher in the store, leaves only ciphertext and wrapped keys at rest, and is
where SSE-KMS (S3 calls kms:Decrypt for every UploadPart) and SSE-C fit: an SSE-C upload's envelope is
wrapped under the key sent at Create, and every UploadPart must send that key again (M1-M3, rules in
:mod:`pytest_s3sse._internal.sse.customer`), which is what opens the envelope for that part.

KMS: an SSE-KMS or DSSE-KMS upload's data key is made once, at Create (GenerateDataKey, or the held
Bucket Key). S3 "must decrypt and read data from the encrypted file parts before it completes the
multipart upload" (P, CreateMultipartUpload: ``kms:GenerateDataKey*`` and ``kms:Decrypt`` are both
required), and multipart uploads fail without ``kms:Decrypt`` (S, aws/aws-sdk-js#1814). How often is not
published; the engine follows the reference's proposal (open point 12.7, U): a Decrypt of the upload's
data key for every UploadPart and UploadPartCopy and one at CompleteMultipartUpload, each as the
requester of that request, and none while a Bucket Key is held. So an upload of N parts without a
Bucket Key costs 1 + N + 1 KMS calls (twice that for DSSE-KMS, one per layer).

Locking: the store's lock is held (by the store) to find an upload and to commit a part or an object, never
while a body is read or encrypted, so s3transfer's worker threads upload the parts of one upload
concurrently. What Complete checks against the upload's parts and the key's current version runs inside
the store's locked step (:meth:`~pytest_s3sse._internal.s3.store.Store.complete_upload`).

Error texts: ``docs/_research/s3-errors.md`` sections 6 (checksums) and 7 (multipart) and
``shared/reference/aws-sse-behaviour.md`` section 4; "A" marks what was recorded against AWS.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from pytest_s3sse._internal import arn
from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.context import RequestContext
from pytest_s3sse._internal.entropy import Entropy
from pytest_s3sse._internal.errors import DecryptionError
from pytest_s3sse._internal.errors.s3 import (
    BadDigest,
    EntityTooSmall,
    InvalidPart,
    InvalidPartOrder,
    InvalidRequest,
    NoSuchUpload,
)
from pytest_s3sse._internal.http import ChunkReader, RequestBody
from pytest_s3sse._internal.s3 import conditions, multipart_listing
from pytest_s3sse._internal.s3.limits import (
    MIN_PART_SIZE,
    check_key,
    check_metadata,
    check_write_condition_values,
)
from pytest_s3sse._internal.s3.multipart_checksums import (
    check_full_object_claim,
    checksum_mode,
    object_checksum,
)
from pytest_s3sse._internal.s3.multipart_listing import UploadsPage, UploadsQuery
from pytest_s3sse._internal.s3.objects import ObjectService
from pytest_s3sse._internal.s3.pipeline import Ingested, ingest, no_claims, tampered
from pytest_s3sse._internal.s3.records import (
    MultipartUpload,
    ObjectAttributes,
    StoredObject,
    UploadedPart,
)
from pytest_s3sse._internal.s3.store import Store
from pytest_s3sse._internal.sse.plan import ReadPlan
from pytest_s3sse._internal.sse.rules import SseHeaders
from pytest_s3sse._internal.types import ChecksumAlgorithm, Principal, SseMode

# Section 6, A: LocalStack snapshot test_multipart_parts_checksum_exceptions_composite /
# upload-part-different-checksum-exc (algorithms in lower case).
MSG_PART_ALGORITHM = "Checksum Type mismatch occurred, expected checksum Type: {expected}, actual checksum Type: {actual}"
# Section 6, A: test_complete_multipart_parts_checksum_composite[*] / complete-multipart-no-checksum.
MSG_PART_CHECKSUM_MISSING = (
    "The upload was created using a {algorithm} checksum. The complete request must include the "
    "checksum for each part. It was missing for part {number} in the request."
)
# Section 6, A: test_multipart_parts_checksum_exceptions_composite / complete-part-with-checksum
# (a part's checksum given for another algorithm than the upload's).
MSG_PART_CHECKSUM_OTHER = (
    "The {algorithm} you specified for part {number} did not match what we received."
)
# Section 6, A: ..._composite / complete-part-with-bad-checksum-type; ..._default /
# complete-multipart-full-object-type ("null" when the upload has no algorithm).
MSG_CHECKSUM_MODE = (
    "The upload was created using the {mode} checksum mode. The complete request must use the same "
    "checksum mode."
)
# Section 6, A: test_multipart_size_validation / complete-multipart-wrong-size (no final period).
MSG_OBJECT_SIZE = "The provided 'x-amz-mp-object-size' header value {sent} does not match what was computed: {actual}"
# A repeated CompleteMultipartUpload of a just-completed upload answers 200 with the same ETag (a peer
# suite verified against AWS: issue 11; P, CompleteMultipartUpload: "processing of a Complete Multipart
# Upload request could take several minutes" and retries are expected). How long S3 remembers is not
# published (U): the engine answers a repeat for 10 minutes of its clock, NoSuchUpload after.
REPEAT_WINDOW = timedelta(minutes=10)
# Section 7, A: test_multipart_complete_multipart_too_small / complete-exc-no-parts.
MSG_NO_PARTS = "You must specify at least one part"


@dataclass(frozen=True, slots=True)
class CreateRequest:
    """What CreateMultipartUpload asks for (``context``: the request's, whose principal initiates
    the upload; None acts as the bucket owner)."""

    bucket: str
    key: str
    attributes: ObjectAttributes = field(default_factory=ObjectAttributes)
    sse: SseHeaders = field(default_factory=SseHeaders)
    checksum_algorithm: ChecksumAlgorithm | None = None
    checksum_type: str | None = None
    context: RequestContext | None = None


@dataclass(frozen=True, slots=True)
class PartRequest:
    """Which part of which upload an UploadPart or UploadPartCopy writes, and what it claims."""

    bucket: str
    key: str
    upload_id: str
    part_number: int
    sse: SseHeaders = field(default_factory=SseHeaders)
    content_md5: str | None = None
    checksum_algorithm: ChecksumAlgorithm | None = None
    checksum_claims: Callable[[], Mapping[ChecksumAlgorithm, str]] = no_claims
    context: RequestContext | None = None  # S3 calls KMS as its principal (None: the bucket owner)


@dataclass(frozen=True, slots=True)
class CompletedPart:
    """One ``<Part>`` of a CompleteMultipartUpload request (the ETag as sent, quotes removed)."""

    number: int
    etag: str
    checksums: Mapping[ChecksumAlgorithm, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CompleteRequest:
    """What CompleteMultipartUpload asks for (``parts`` empty: the request had no body)."""

    bucket: str
    key: str
    upload_id: str
    parts: tuple[CompletedPart, ...]
    conditions: conditions.Conditions = field(default_factory=conditions.Conditions)
    object_size: str | None = None
    checksum_type: str | None = None
    sse: SseHeaders = field(default_factory=SseHeaders)
    context: RequestContext | None = None
    # The whole object's checksum the request claims (``x-amz-checksum-*``), checked for FULL_OBJECT.
    checksum_claims: Mapping[ChecksumAlgorithm, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PartsPage:
    """One page of ListParts."""

    upload: MultipartUpload
    parts: tuple[UploadedPart, ...]
    truncated: bool
    next_marker: int


def multipart_etag(parts: list[UploadedPart]) -> str:
    """``hex(MD5(concatenated binary part ETags))-N`` (reference section 5.2, A, recomputed)."""
    digest = hashlib.md5(b"".join(bytes.fromhex(p.etag) for p in parts))  # noqa: S324 - S3's ETag
    return f"{digest.hexdigest()}-{len(parts)}"


def _invalid_part(upload_id: str, wanted: CompletedPart) -> InvalidPart:
    # Section 7, A: test_multipart_complete_multipart_wrong_part (UploadId, PartNumber, ETag unquoted).
    return InvalidPart(
        extra={"UploadId": upload_id, "PartNumber": str(wanted.number), "ETag": wanted.etag}
    )


def _check_part_checksums(
    upload: MultipartUpload, wanted: CompletedPart, part: UploadedPart
) -> None:
    """A Complete request's part checksums must be those of the upload's algorithm, and right."""
    algorithm = upload.checksum_algorithm
    for given, value in wanted.checksums.items():
        if algorithm is None or part.checksum is None:
            # A: test_complete_multipart_parts_checksum_default / complete-multipart-parts-checksum.
            raise _invalid_part(upload.upload_id, wanted)
        if given is not algorithm:
            raise BadDigest(
                MSG_PART_CHECKSUM_OTHER.format(algorithm=given.value.lower(), number=wanted.number)
            )
        if value != part.checksum.value:
            # A: test_complete_multipart_parts_checksum_composite / complete-multipart-wrong-parts-checksum.
            raise _invalid_part(upload.upload_id, wanted)
    if algorithm is not None and algorithm not in wanted.checksums:
        raise InvalidRequest(
            MSG_PART_CHECKSUM_MISSING.format(
                algorithm=algorithm.value.lower(), number=wanted.number
            )
        )


def chosen_parts(upload: MultipartUpload, wanted: tuple[CompletedPart, ...]) -> list[UploadedPart]:
    """The uploaded parts a Complete request names, checked in one pass as S3 lists its errors.

    Gaps in the numbering are allowed (A: test_complete_multipart_parts_order / with-step-2); every part
    but the last must be at least 5 MiB (A: test_multipart_complete_multipart_too_small).
    """
    chosen: list[UploadedPart] = []
    previous: int | None = None
    for index, part_wanted in enumerate(wanted):
        if previous is not None and part_wanted.number <= previous:
            # Section 7, A: test_complete_multipart_parts_order / complete-multipart-unordered.
            raise InvalidPartOrder(extra={"UploadId": upload.upload_id})
        previous = part_wanted.number
        part = upload.parts.get(part_wanted.number)
        if part is None or part.etag != part_wanted.etag:
            raise _invalid_part(upload.upload_id, part_wanted)
        _check_part_checksums(upload, part_wanted, part)
        if index < len(wanted) - 1 and part.size < MIN_PART_SIZE:
            # Section 7, A: complete-exc-too-small (the first too-small part; ETag unquoted).
            raise EntityTooSmall(
                extra={
                    "ProposedSize": str(part.size),
                    "MinSizeAllowed": str(MIN_PART_SIZE),
                    "PartNumber": str(part.number),
                    "ETag": part.etag,
                }
            )
        chosen.append(part)
    return chosen


class MultipartService:
    """Multipart uploads over the store; completed uploads become objects through ObjectService."""

    def __init__(
        self, store: Store, clock: Clock, entropy: Entropy, objects: ObjectService
    ) -> None:
        self.store = store
        self.clock = clock
        self.entropy = entropy
        self.objects = objects

    # -- finding ------------------------------------------------------------------------------
    def get(self, bucket_name: str, key: str, upload_id: str) -> MultipartUpload:
        """The upload in progress, or NoSuchBucket / NoSuchUpload (a wrong key too: A)."""
        return self.store.find_upload(bucket_name, key, upload_id)

    # -- create -------------------------------------------------------------------------------
    def create(self, request: CreateRequest) -> MultipartUpload:
        """CreateMultipartUpload: resolve the encryption and make the upload's one data key."""
        bucket = self.store.bucket(request.bucket)
        check_key(request.key)
        check_metadata(request.attributes.metadata)
        mode = checksum_mode(request.checksum_algorithm, request.checksum_type)
        _, envelope = self.objects.sse.write(
            bucket, request.key, request.sse, request.context
        ).seal()
        context = request.context
        initiator = (
            context.principal
            if context is not None
            else Principal(bucket.owner_account, arn.root(bucket.owner_account, bucket.region))
        )
        upload = MultipartUpload(
            upload_id=self.entropy.token(48),
            bucket=request.bucket,
            key=request.key,
            initiated=self.clock.now(),
            initiator=initiator,
            attributes=request.attributes,
            envelope=envelope,
            checksum_algorithm=request.checksum_algorithm,
            checksum_type=mode,
        )
        self.store.add_upload(upload)
        return upload

    # -- parts --------------------------------------------------------------------------------
    def _part_plan(self, upload: MultipartUpload, request: PartRequest) -> ReadPlan:
        """The plan that opens the upload's data key for one part: a write's SSE-C checks (C8, C9
        while the bucket blocks SSE-C, C1-C6), then the upload's (M1-M3). Opening a KMS upload's
        key is a Decrypt as the part's requester (:mod:`pytest_s3sse._internal.s3.multipart` docstring)."""
        bucket = self.store.bucket(upload.bucket)
        return self.objects.sse.part(
            upload.envelope, bucket, upload.key, request.sse, request.context
        )

    def _part_algorithm(
        self, upload: MultipartUpload, request: PartRequest
    ) -> ChecksumAlgorithm | None:
        expected, actual = upload.checksum_algorithm, request.checksum_algorithm
        if expected is not None and actual is not None and actual is not expected:
            raise InvalidRequest(
                MSG_PART_ALGORITHM.format(
                    expected=expected.value.lower(), actual=actual.value.lower()
                )
            )
        return expected or actual

    def upload_part(self, request: PartRequest, body: RequestBody) -> UploadedPart:
        """UploadPart: encrypt the body under the upload's data key; a part re-uploaded replaces."""
        upload = self.get(request.bucket, request.key, request.upload_id)
        plan = self._part_plan(upload, request)
        algorithm = self._part_algorithm(upload, request)
        got = ingest(
            body,
            plan.open(),
            request.part_number,
            content_md5=request.content_md5,
            algorithm=algorithm,
            claims=request.checksum_claims,
            etag_md5=upload.encryption.mode is SseMode.SSE_S3,
            default_crc=upload.checksum_algorithm is None,
        )
        return self._commit_part(upload, got)

    def copy_part(
        self,
        request: PartRequest,
        source: StoredObject,
        source_plan: ReadPlan,
        start: int,
        stop: int,
    ) -> UploadedPart:
        """UploadPartCopy: decrypt ``source[start:stop]`` and encrypt it into the upload as a part.

        ``source_plan`` opens the source (from
        :meth:`~pytest_s3sse._internal.s3.objects.ObjectService.source_plan`); the destination key, in
        ``request.sse``, must be the upload's.
        """
        upload = self.get(request.bucket, request.key, request.upload_id)
        plan = self._part_plan(upload, request)
        algorithm = self._part_algorithm(upload, request)
        aead = plan.open()
        body = self.objects.decrypt(source, source_plan, start, stop)
        try:
            got = ingest(
                ChunkReader(body),
                aead,
                request.part_number,
                content_md5=None,
                algorithm=algorithm,
                claims=no_claims,
                etag_md5=upload.encryption.mode is SseMode.SSE_S3,
                default_crc=upload.checksum_algorithm is None,
            )
        except DecryptionError as exc:  # a large source streams, so tampering shows up here
            raise tampered(source, exc) from exc
        return self._commit_part(upload, got)

    def _commit_part(self, upload: MultipartUpload, got: Ingested) -> UploadedPart:
        etag = self.objects.etag(upload.encryption.mode, got.md5)  # SSE-C parts: not the MD5 (5.2)
        part = UploadedPart(got.part, etag, self.clock.now(), got.checksum, got.default_crc)
        self.store.add_part(upload, part)  # NoSuchUpload if aborted or completed meanwhile
        return part

    # -- complete and abort -------------------------------------------------------------------
    def complete(self, request: CompleteRequest) -> StoredObject:
        """CompleteMultipartUpload: the named parts become the object; the upload is gone after."""
        check_write_condition_values(request.conditions)
        if not request.parts:
            raise InvalidRequest(MSG_NO_PARTS)
        try:
            found = self.get(request.bucket, request.key, request.upload_id)
        except NoSuchUpload:
            done = self.store.completed_upload(request.bucket, request.key, request.upload_id)
            if done is None or self.clock.now() - done.last_modified > REPEAT_WINDOW:
                raise
            return done  # a repeat of a just-completed upload: the same answer (REPEAT_WINDOW)
        bucket = self.store.bucket(found.bucket)
        plan = self.objects.sse.complete(
            found.envelope, bucket, found.key, request.sse, request.context
        )
        if plan.calls_kms:
            # Completing re-encrypts nothing here (the parts are the object's ciphertext already),
            # so the Decrypt S3 makes to complete a KMS upload is made for what it tells a test: the
            # permission it needs, the key state it checks, the count (module docstring).
            plan.open()

        def build(upload: MultipartUpload, current: StoredObject | None) -> StoredObject:
            return self._completed(request, upload, current)

        return self.store.complete_upload(found, build)

    def _completed(
        self, request: CompleteRequest, upload: MultipartUpload, current: StoredObject | None
    ) -> StoredObject:
        """The object ``request`` makes of ``upload``, checked against the upload's parts and the
        key's ``current`` version as they are at commit time (called under the store's lock).

        If-None-Match: * and If-Match are checked last, against the key as it is at Complete time
        (section 5c, A); the 409 ConditionalRequestConflict cases (the key changed after Create)
        are not modelled.
        """
        if request.checksum_type is not None and request.checksum_type != upload.checksum_type:
            raise InvalidRequest(MSG_CHECKSUM_MODE.format(mode=upload.checksum_type or "null"))
        parts = chosen_parts(upload, request.parts)
        size = sum(p.size for p in parts)
        if request.object_size is not None and request.object_size != str(size):
            raise InvalidRequest(MSG_OBJECT_SIZE.format(sent=request.object_size, actual=size))
        algorithm = upload.checksum_algorithm
        sealed = tuple(p.sealed for p in parts)
        obj = StoredObject(
            bucket=upload.bucket,
            key=upload.key,
            size=size,
            etag=multipart_etag(parts),
            last_modified=self.clock.now(),
            attributes=upload.attributes,
            # The ordered part list is authenticated (a small tag, no re-encryption), so a stored
            # part swapped, dropped or replaced fails the read (crypto/manifest.py).
            envelope=self.objects.sse.sealer.bind_parts(upload.envelope, sealed),
            parts=sealed,
            checksum=object_checksum(algorithm, upload.checksum_type, parts),
            part_checksums=tuple(p.checksum for p in parts) if algorithm is not None else (),
        )
        if obj.checksum is not None and request.checksum_claims:
            check_full_object_claim(obj.checksum, request.checksum_claims)
        conditions.check_write(request.conditions, current.etag if current else None, upload.key)
        return obj

    def abort(self, bucket_name: str, key: str, upload_id: str) -> None:
        """AbortMultipartUpload: the upload and its parts are gone (a second abort is NoSuchUpload)."""
        self.store.abort_upload(bucket_name, key, upload_id)

    # -- listing ------------------------------------------------------------------------------
    def list_parts(
        self, bucket_name: str, key: str, upload_id: str, *, marker: int, max_parts: int
    ) -> PartsPage:
        """ListParts: parts numbered above ``marker``, in order, at most ``max_parts``."""
        upload, parts = self.store.parts(bucket_name, key, upload_id)
        after = sorted((p for p in parts if p.number > marker), key=lambda p: p.number)
        page = tuple(after[:max_parts])
        return PartsPage(upload, page, len(after) > len(page), page[-1].number if page else 0)

    def list_uploads(self, bucket_name: str, query: UploadsQuery) -> UploadsPage:
        """ListMultipartUploads (rules in :mod:`pytest_s3sse._internal.s3.multipart_listing`)."""
        return multipart_listing.page(self.store.uploads(bucket_name), query)
