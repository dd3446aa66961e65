"""The limits S3 puts on what a request may ask for, checked before any work is done: key length,
user-metadata size, the minimum part size of a multipart upload, and the values a conditional write
accepts. Plain values and stateless checks, which a hypothesis strategy or a test can import without
the services.
"""

from __future__ import annotations

from collections.abc import Mapping

from pytest_s3sse._internal.errors.s3 import (
    InvalidStorageClass,
    KeyTooLong,
    MetadataTooLarge,
    NotImplementedS3,
)
from pytest_s3sse._internal.s3 import conditions

MAX_KEY_BYTES = 1024
MAX_METADATA_BYTES = 2048
# Every part of a multipart upload but the last (A: test_multipart_complete_multipart_too_small).
MIN_PART_SIZE = 5 * 1024 * 1024
# The storage classes a general purpose bucket's objects may have (P: botocore's StorageClass enum, the
# S3 ones). The model's other values (OUTPOSTS, SNOW, EXPRESS_ONEZONE, FSX_*, ...) belong to other
# kinds of bucket: InvalidStorageClass (A: LocalStack snapshots test_put_object_storage_class_outposts
# for PutObject and CreateMultipartUpload, test_post_object_with_storage_class for POST).
STORAGE_CLASSES = frozenset(
    {
        "STANDARD",
        "REDUCED_REDUNDANCY",
        "STANDARD_IA",
        "ONEZONE_IA",
        "INTELLIGENT_TIERING",
        "GLACIER",
        "DEEP_ARCHIVE",
        "GLACIER_IR",
    }
)


def check_storage_class(value: str) -> str:
    """``value`` if it is a storage class of a general purpose bucket, else InvalidStorageClass."""
    if value not in STORAGE_CLASSES:
        raise InvalidStorageClass(value)
    return value


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
