"""CopyObject: a new object made from a stored one, re-encrypted under its own data key.

A copy is a write: the target's encryption comes from the copy request and the *destination*
bucket's default, never from the source (K6 in ``shared/reference/aws-sse-behaviour.md`` section 8).
So the source is decrypted chunk by chunk and sealed again under a fresh data key; two objects never
share ciphertext. This is what makes the "copy in place" migration (re-encrypting an object with new
settings) observable: the data key, and so the ciphertext at rest, change.

Texts: ``docs/_research/s3-errors.md`` sections 1, 5b, 5c and 8.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

from pytest_s3sse._internal.context import RequestContext
from pytest_s3sse._internal.errors import DecryptionError
from pytest_s3sse._internal.errors.s3 import (
    InvalidRequest,
)
from pytest_s3sse._internal.http import ChunkReader
from pytest_s3sse._internal.s3 import conditions
from pytest_s3sse._internal.s3.limits import check_key, check_metadata
from pytest_s3sse._internal.s3.objects import DEFAULT_CHECKSUM, ObjectService
from pytest_s3sse._internal.s3.pipeline import ingest, no_claims, tampered
from pytest_s3sse._internal.s3.records import ObjectAttributes, StoredObject
from pytest_s3sse._internal.s3.store import Bucket
from pytest_s3sse._internal.sse.plan import ReadPlan
from pytest_s3sse._internal.sse.rules import SseHeaders
from pytest_s3sse._internal.types import ChecksumAlgorithm, SseMode

# K1 (A, LocalStack snapshot test_s3_copy_object_in_place; moto CopyObjectMustChangeSomething).
MSG_COPY_TO_SELF = (
    "This copy request is illegal because it is trying to copy an object to itself without changing "
    "the object's metadata, storage class, website redirect location or encryption attributes."
)
# S: the text S3 is widely reported to send for a source above 5 GiB (not in the research tables).
MAX_COPY_SIZE = 5 * 1024**3
MSG_SOURCE_TOO_LARGE = (
    "The specified copy source is larger than the maximum allowable size for a copy source: {limit}"
)


class MetadataDirective(str, Enum):
    """Whether a copy keeps the source's metadata (COPY, the default) or takes the request's."""

    COPY = "COPY"
    REPLACE = "REPLACE"


@dataclass(frozen=True, slots=True)
class CopyRequest:
    """What a CopyObject asks for, as typed values.

    ``storage_class`` and ``website_redirect`` are as sent (None when absent): whether they were
    sent at all decides whether a copy onto itself changes anything (K1). ``attributes`` are the
    request's own standard headers and metadata, used with REPLACE only. ``sse`` is the target's
    encryption headers, ``source_sse`` the ``x-amz-copy-source-server-side-encryption-customer-*``
    trio that opens an SSE-C source; ``context`` is the request's, which the SSE-C rules (C8, C9)
    and S3's calls to KMS for an SSE-KMS source or target (W14, W15) read (None: the bucket owner).
    """

    source_bucket: str
    source_key: str
    bucket: str
    key: str
    directive: MetadataDirective = MetadataDirective.COPY
    replace_tags: bool = False  # x-amz-tagging-directive REPLACE (COPY, the default: False)
    attributes: ObjectAttributes = field(default_factory=ObjectAttributes)
    storage_class: str | None = None
    website_redirect: str | None = None
    sse: SseHeaders = field(default_factory=SseHeaders)
    source_sse: SseHeaders = field(default_factory=SseHeaders)
    checksum_algorithm: ChecksumAlgorithm | None = None
    source_conditions: conditions.Conditions = field(
        default_factory=lambda: conditions.Conditions(header_prefix="x-amz-copy-source-If-")
    )
    conditions: conditions.Conditions = field(default_factory=conditions.Conditions)
    source_version_id: str | None = None
    context: RequestContext | None = None

    @property
    def in_place(self) -> bool:
        """True when the copy targets its own source."""
        return (self.source_bucket, self.source_key) == (self.bucket, self.key)


def target_attributes(request: CopyRequest, source: StoredObject) -> ObjectAttributes:
    """The target's standard headers and metadata.

    COPY keeps the source's content type, metadata and other standard headers, and ignores any
    ``x-amz-meta-*`` sent (A, LocalStack snapshot ``copy-copy-directive-ignore``); REPLACE takes
    them all from the request, so an empty REPLACE clears them (A,
    ``copy-replace-directive-empty``). Either way the storage class is the one sent, else
    STANDARD, not the source's (A, ``test_s3_copy_object_storage_class``), and the website redirect
    is the one sent (P, CopyObject API reference: the redirect location "is not copied").
    The tags follow ``x-amz-tagging-directive`` on their own: COPY (the default) keeps the
    source's, REPLACE takes the request's ``x-amz-tagging`` (none when absent) (P, CopyObject API
    reference, ``x-amz-tagging-directive``).
    """
    base = source.attributes if request.directive is MetadataDirective.COPY else request.attributes
    return replace(
        base,
        storage_class=request.storage_class or "STANDARD",
        website_redirect=request.website_redirect,
        tags=request.attributes.tags if request.replace_tags else source.attributes.tags,
    )


def check_changes_something(request: CopyRequest, source: StoredObject, bucket: Bucket) -> None:
    """K1-K4: a copy onto itself must change the metadata, storage class, redirect or encryption.

    Any of these counts as a change, even when it repeats the current value: MetadataDirective
    REPLACE, a storage class, a website redirect, any SSE header (K3), an explicitly configured
    bucket default encryption (K2) or a source that is not SSE-S3 (K4: the copy moves it to the
    default). A (LocalStack snapshots test_s3_copy_object_in_place*,
    test_copy_in_place_with_bucket_encryption; s3-errors.md section 8, "CopyObject onto itself").
    """
    if not request.in_place:
        return
    changes = (
        request.directive is MetadataDirective.REPLACE
        or request.storage_class is not None
        or request.website_redirect is not None
        or not request.sse.empty
        or bucket.default_encryption.explicit
        or source.encryption.mode is not SseMode.SSE_S3
    )
    if not changes:
        raise InvalidRequest(MSG_COPY_TO_SELF)


def target_checksum_algorithm(
    request: CopyRequest, source: StoredObject
) -> ChecksumAlgorithm | None:
    """The requested algorithm, else the source's (P, CopyObject API reference: "the checksum
    algorithm will be copied from the source object"). It is always recomputed over the plaintext as
    a FULL_OBJECT checksum: the target is a single-part object, even when the source was multipart.
    """
    if request.checksum_algorithm is not None:
        return request.checksum_algorithm
    # A source without a checksum (written before S3's default) gets the default, CRC64NVME (A).
    return source.checksum.algorithm if source.checksum is not None else DEFAULT_CHECKSUM


def _check_source(request: CopyRequest, source: StoredObject, objects: ObjectService) -> ReadPlan:
    """The source's SSE-C key (R13 missing, R14 wrong, R15 bad algorithm, K12 for a
    source that is not SSE-C), the source conditions and the size; returns the plan that opens the
    source."""
    plan = objects.source_plan(source, request.source_sse, request.context)
    conditions.evaluate_copy_source(
        request.source_conditions, source.etag, source.last_modified, now=objects.clock.now()
    )
    if source.size > MAX_COPY_SIZE:
        raise InvalidRequest(MSG_SOURCE_TOO_LARGE.format(limit=MAX_COPY_SIZE))
    return plan


def copy_object(objects: ObjectService, request: CopyRequest) -> tuple[StoredObject, StoredObject]:
    """CopyObject: check the request, re-encrypt the source's plaintext and store the target;
    returns the target as stored and the source version copied.

    The target is sealed under a fresh data key, so a copy always re-encrypts: an SSE-C source copied
    under another customer key (key rotation, K8/K9), to SSE-S3 (K6) or between KMS keys gets new
    ciphertext. The source's encryption context is not carried over (K13, P).
    """
    bucket = objects.store.bucket(request.bucket)
    source = objects.copy_source(
        request.source_bucket, request.source_key, request.context, request.source_version_id
    )
    source_plan = _check_source(request, source, objects)
    check_key(request.key)
    if request.directive is MetadataDirective.REPLACE:
        check_metadata(request.attributes.metadata)
    # K6: the target's encryption, never the source's.
    plan = objects.sse.write(bucket, request.key, request.sse, request.context)
    # P (S3 user guide "Restoring previous versions"): copying an older version onto its own key
    # makes it current again, a change in itself.
    restoring = request.source_version_id is not None and (
        objects.store.current(request.bucket, request.key) is not source
    )
    if not restoring:
        check_changes_something(request, source, bucket)
    objects.check_write_conditions(bucket, request.key, request.conditions)
    algorithm = target_checksum_algorithm(request, source)

    # The source is opened first (an SSE-KMS source: one Decrypt as the requester, before the
    # target's GenerateDataKey); tampered ciphertext is S3's InternalError, as on GetObject (a large
    # source's when it is read).
    source_body = ChunkReader(objects.decrypt(source, source_plan, 0, source.size))
    aead, envelope = plan.seal()
    try:
        got = ingest(
            source_body,
            aead,
            1,
            content_md5=None,
            algorithm=algorithm,
            claims=no_claims,
            etag_md5=plan.encryption.mode
            is SseMode.SSE_S3,  # an SSE-S3 ETag is the MD5 (section 5.2)
        )
    except DecryptionError as exc:  # a large source streams, so tampering shows up here
        raise tampered(source, exc) from exc
    target = objects.single_part_object(
        bucket.name, request.key, got, envelope, target_attributes(request, source)
    )
    return objects.commit(target, request.conditions), source
