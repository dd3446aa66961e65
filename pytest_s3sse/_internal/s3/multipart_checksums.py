"""Multipart checksums: the checksum type an upload gets at Create, and the COMPOSITE checksum of the
object at Complete. Texts: ``docs/_research/s3-errors.md`` section 6 ("A" recorded against AWS)."""

from __future__ import annotations

import base64

from pytest_s3sse._internal.errors.s3 import InternalError, InvalidRequest, NotImplementedS3
from pytest_s3sse._internal.s3 import checksums
from pytest_s3sse._internal.s3.store import Checksum, UploadedPart
from pytest_s3sse._internal.types import ChecksumAlgorithm

COMPOSITE = "COMPOSITE"
FULL_OBJECT = "FULL_OBJECT"

# Section 6, A: LocalStack snapshot test_multipart_parts_checksum_exceptions_composite /
# create-mpu-no-checksum-algo-with-type.
MSG_TYPE_WITHOUT_ALGORITHM = (
    "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header."
)
# Section 6, A: test_multipart_checksum_type_compatibility[COMPOSITE-CRC64NVME], [FULL_OBJECT-SHA1/256].
MSG_TYPE_INCOMPATIBLE = (
    "The {mode} checksum type cannot be used with the {algorithm} checksum algorithm."
)


def checksum_mode(algorithm: ChecksumAlgorithm | None, requested: str | None) -> str | None:
    """The checksum type of a new upload (None when it has no additional checksum).

    Without ``x-amz-checksum-type`` S3 picks COMPOSITE, except FULL_OBJECT for CRC64NVME (A: a SHA256
    upload reports ChecksumType COMPOSITE in test_multipart_parts_checksum_exceptions_composite; P for
    CRC64NVME, S3 user guide "Checking object integrity").
    """
    if algorithm is None:
        if requested is not None:
            raise InvalidRequest(MSG_TYPE_WITHOUT_ALGORITHM)
        return None
    if requested is None:
        requested = FULL_OBJECT if algorithm is ChecksumAlgorithm.CRC64NVME else COMPOSITE
    if requested not in (COMPOSITE, FULL_OBJECT):
        # U: no recording of an unknown value; answered like other invalid checksum headers.
        raise InvalidRequest("Value for x-amz-checksum-type header is invalid.")
    if (requested == COMPOSITE and algorithm is ChecksumAlgorithm.CRC64NVME) or (
        requested == FULL_OBJECT and algorithm in (ChecksumAlgorithm.SHA1, ChecksumAlgorithm.SHA256)
    ):
        raise InvalidRequest(
            MSG_TYPE_INCOMPATIBLE.format(mode=requested, algorithm=algorithm.value.lower())
        )
    if requested == FULL_OBJECT:
        raise NotImplementedS3(
            "pytest-s3sse does not implement FULL_OBJECT multipart checksums yet; use a COMPOSITE "
            "checksum (CRC32, CRC32C, SHA1 or SHA256)"
        )
    return requested


def composite_checksum(algorithm: ChecksumAlgorithm, parts: list[UploadedPart]) -> Checksum:
    """``base64(hash(concatenated binary part checksums))-N``, the COMPOSITE checksum of an object."""
    digests = [base64.b64decode(p.checksum.value) for p in parts if p.checksum is not None]
    if len(digests) != len(parts):  # Complete checked every part's checksum; this is a bug
        msg = f"a part of this {algorithm.value} upload has no checksum"
        raise InternalError(msg)
    hasher = checksums.new_hasher(algorithm)
    hasher.update(b"".join(digests))
    return Checksum(algorithm, f"{checksums.encode(hasher.digest())}-{len(parts)}", COMPOSITE)
