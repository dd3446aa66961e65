"""Multipart checksums: the checksum type an upload gets at Create, and the COMPOSITE checksum of the
object at Complete. Texts: ``docs/_research/s3-errors.md`` section 6 ("A" recorded against AWS)."""

from __future__ import annotations

import base64
from collections.abc import Mapping

from pytest_s3sse._internal.errors.s3 import BadDigest, InternalError, InvalidRequest
from pytest_s3sse._internal.s3 import checksums
from pytest_s3sse._internal.s3.records import Checksum, UploadedPart
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


def full_object_checksum(algorithm: ChecksumAlgorithm, parts: list[tuple[bytes, int]]) -> Checksum:
    """The FULL_OBJECT checksum (CRC32, CRC32C or CRC64NVME) of an object made of parts, from each
    part's CRC digest and size: the CRC of the whole plaintext, combined without reading it again."""
    value, _ = parts[0]
    for digest, size in parts[1:]:
        value = checksums.combine(algorithm, value, digest, size)
    return Checksum(algorithm, checksums.encode(value), FULL_OBJECT)


def object_checksum(
    algorithm: ChecksumAlgorithm | None, mode: str | None, parts: list[UploadedPart]
) -> Checksum | None:
    """The checksum CompleteMultipartUpload gives the object: COMPOSITE or FULL_OBJECT of the
    upload's algorithm, or, for an upload without one, S3's default full-object CRC64NVME (A, issue
    11: recorded AWS answers; P, S3 user guide "Checking object integrity")."""
    if algorithm is None:
        digests = [(p.default_crc, p.size) for p in parts if p.default_crc is not None]
        if len(digests) != len(parts):  # a part stored without it (not made by UploadPart)
            return None
        return full_object_checksum(ChecksumAlgorithm.CRC64NVME, digests)
    if mode == FULL_OBJECT:
        crcs = [(base64.b64decode(p.checksum.value), p.size) for p in parts if p.checksum]
        if len(crcs) != len(parts):  # Complete checked every part's checksum; this is a bug
            msg = f"a part of this FULL_OBJECT {algorithm.value} upload has no checksum"
            raise InternalError(msg)
        return full_object_checksum(algorithm, crcs)
    return composite_checksum(algorithm, parts)


def check_full_object_claim(checksum: Checksum, claims: Mapping[ChecksumAlgorithm, str]) -> None:
    """The whole object's checksum a CompleteMultipartUpload sends (``x-amz-checksum-<algorithm>``)
    must be the FULL_OBJECT checksum computed from the parts: BadDigest otherwise (U: the text is
    PutObject's, section 6)."""
    claimed = claims.get(checksum.algorithm)
    if checksum.type == FULL_OBJECT and claimed is not None and claimed != checksum.value:
        raise BadDigest(
            f"The {checksum.algorithm.value} you specified did not match the calculated checksum."
        )
